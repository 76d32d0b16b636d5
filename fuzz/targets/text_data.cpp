// Training and evaluation text as users hand it over: documents (plain text with blank-line
// separators, or JSON Lines with a "text" field), ShareGPT conversations (a JSON array or JSON
// Lines), and the generic "JSON array or JSON Lines" record reader under both.
#include "core/io/documents.h"
#include "core/io/jsonl.h"
#include "core/train/sharegpt.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;

ROPELAB_FUZZ_TARGET(text_data) {
  const auto c = choose(input, 4);
  const std::string path = write_scratch("data.jsonl", c.payload);
  switch (c.which) {
    case 0:
      (void)read_documents(path);
      break;
    case 1: {
      ShareGptStats stats;
      (void)read_sharegpt(path, stats);
      (void)stats.summary();
      break;
    }
    case 2:
      (void)read_json_records(path);
      break;
    default:
      (void)read_jsonl(path);
      break;
  }
}
