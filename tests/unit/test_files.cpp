// core/util/files: SHA-256 (OpenSSL) against digests computed by coreutils' sha256sum.
#include <gtest/gtest.h>

#include <fstream>

#include "core/util/files.h"
#include "test_util.h"

namespace {

TEST(Files, Sha256MatchesSha256sum) {
  ropelab::testing::TempDir tmp;
  std::ofstream(tmp / "empty").close();
  EXPECT_EQ(ropelab::sha256_file(tmp / "empty"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::ofstream(tmp / "abc") << "abc";
  EXPECT_EQ(ropelab::sha256_file(tmp / "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // A real data file (164 KB); digest recorded in the fixture's README (sha256sum).
  EXPECT_EQ(ropelab::sha256_file(ROPELAB_FIXTURES_DIR "/longbench/longlora-preds/lcc.jsonl"),
            "876e2e098b02ddf358c20b0df107a3c35f2b07143e782b39c551316b87b99023");
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              ropelab::sha256_file(tmp / "missing");
            }).find("missing: cannot open file for hashing"),
            std::string::npos);
}

}  // namespace
