// io/jsonl: line numbers, blank lines, precise errors for bad JSON and bad UTF-8, the
// array-or-lines reader, and the UTF-8 validator against the edge cases of RFC 3629.
#include <gtest/gtest.h>

#include <fstream>

#include "core/io/jsonl.h"
#include "core/util/error.h"
#include "test_util.h"

namespace ropelab {
namespace {

using testing::TempDir;

std::string write_file(const TempDir& tmp, const std::string& name, const std::string& text) {
  std::string path = tmp / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(Jsonl, YieldsLineNumbersAndSkipsBlankLines) {
  TempDir tmp;
  std::string path =
      write_file(tmp, "d.jsonl", "\xEF\xBB\xBF{\"a\": 1}\n\n   \t\n{\"a\": 2}\r\n\"s\"\n[1, 2]");
  auto records = read_jsonl(path);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].value["a"], 1);
  EXPECT_EQ(records[1].line, 4u);
  EXPECT_EQ(records[1].value["a"], 2);
  EXPECT_EQ(records[2].value, "s");
  EXPECT_EQ(records[3].line, 6u);  // no final newline
  EXPECT_EQ(records[3].value, nlohmann::json({1, 2}));
  EXPECT_EQ(records[1].where, path + ":4");

  JsonlReader reader(path);
  size_t line = 0;
  nlohmann::json v;
  std::vector<size_t> lines;
  while (reader.next(line, v)) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<size_t>{1, 4, 5, 6}));
  EXPECT_FALSE(reader.next(line, v));
}

TEST(Jsonl, EmptyFileHasNoRecords) {
  TempDir tmp;
  EXPECT_TRUE(read_jsonl(write_file(tmp, "e.jsonl", "")).empty());
  EXPECT_TRUE(read_json_records(write_file(tmp, "e2.jsonl", "\n  \n")).empty());
}

TEST(Jsonl, InvalidJsonNamesFileAndLine) {
  TempDir tmp;
  std::string path = write_file(tmp, "bad.jsonl", "{\"a\": 1}\n\n{\"a\": tru}\n{\"a\": 3}\n");
  std::string msg = ropelab::testing::input_error_of([&] { read_jsonl(path); });
  EXPECT_EQ(msg.rfind(path + ":3: invalid JSON (column ", 0), 0u) << msg;

  JsonlReader reader(path);  // the records before the bad line are delivered first
  size_t line = 0;
  nlohmann::json v;
  EXPECT_TRUE(reader.next(line, v));
  EXPECT_THROW(reader.next(line, v), InputError);

  msg = ropelab::testing::input_error_of([&] { read_jsonl(write_file(tmp, "two.jsonl", "{} {}\n")); });
  EXPECT_NE(msg.find("two.jsonl:1: invalid JSON"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of(
      [&] { read_jsonl(write_file(tmp, "cut.jsonl", "{\"a\": [1,\n2]}\n")); });
  EXPECT_NE(msg.find("cut.jsonl:1: invalid JSON"), std::string::npos) << msg;
}

TEST(Jsonl, InvalidUtf8NamesLineAndByte) {
  TempDir tmp;
  std::string path = write_file(tmp, "u.jsonl", "{\"a\": \"ok\"}\n{\"a\": \"\xC3\x28\"}\n");
  std::string msg = ropelab::testing::input_error_of([&] { read_jsonl(path); });
  EXPECT_EQ(msg, path + ":2: invalid UTF-8 at byte 8 of the line");
}

TEST(Jsonl, MissingFileNamesPath) {
  TempDir tmp;
  std::string msg = ropelab::testing::input_error_of([&] { read_jsonl(tmp / "nope.jsonl"); });
  EXPECT_NE(msg.find("nope.jsonl: cannot open file"), std::string::npos) << msg;
  EXPECT_THROW(read_json_records(tmp / "nope.json"), InputError);
}

TEST(Jsonl, ArrayOrLinesIsDetectedFromTheFirstCharacter) {
  TempDir tmp;
  std::string array = write_file(tmp, "a.json", "\xEF\xBB\xBF \n [ {\"id\": 0},\n {\"id\": 1} ]\n");
  auto records = read_json_records(array);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].value["id"], 1);
  EXPECT_EQ(records[1].where, array + ": element 1");
  EXPECT_EQ(records[1].line, 0u);

  std::string lines = write_file(tmp, "l.jsonl", "\n{\"id\": 0}\n{\"id\": 1}\n");
  records = read_json_records(lines);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].where, lines + ":2");
  EXPECT_EQ(records[1].value["id"], 1);
}

TEST(Jsonl, InvalidArrayNamesByteOffset) {
  TempDir tmp;
  std::string path = write_file(tmp, "bad.json", "[{\"id\": 0},\n {\"id\": }]");
  std::string msg = ropelab::testing::input_error_of([&] { read_json_records(path); });
  EXPECT_EQ(msg.rfind(path + ": invalid JSON at byte 21 (line 2, column 9: ", 0), 0u) << msg;

  path = write_file(tmp, "bad8.json", "[\"a\",\n \"\xFF\"]");
  msg = ropelab::testing::input_error_of([&] { read_json_records(path); });
  EXPECT_EQ(msg, path + ": invalid UTF-8 at byte 9 (line 2)");
}

TEST(Utf8, AcceptsWellFormedAndRejectsEveryIllFormedKind) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("\xC2\x80 \xDF\xBF"));                       // 2 bytes, both ends
  EXPECT_TRUE(valid_utf8("\xE0\xA0\x80 \xED\x9F\xBF \xEF\xBF\xBF"));  // 3 bytes around surrogates
  EXPECT_TRUE(valid_utf8("\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF"));       // U+10000, U+10FFFF
  EXPECT_TRUE(valid_utf8("ñ → 𝄞"));
  EXPECT_TRUE(valid_utf8(std::string_view("a\0b", 3)));

  EXPECT_EQ(find_invalid_utf8("ab\x80"), 2u);            // lone continuation
  EXPECT_EQ(find_invalid_utf8("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(find_invalid_utf8("\xC1\xBF"), 0u);          // overlong
  EXPECT_EQ(find_invalid_utf8("x\xE0\x9F\xBF"), 1u);     // overlong 3-byte
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(find_invalid_utf8("\xF0\x8F\xBF\xBF"), 0u);  // overlong 4-byte
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xF5\x80\x80\x80"), 0u);  // invalid lead
  EXPECT_EQ(find_invalid_utf8("\xFF"), 0u);
  EXPECT_EQ(find_invalid_utf8("ok\xE2\x82"), 2u);    // truncated at the end
  EXPECT_EQ(find_invalid_utf8("\xE2\x82x"), 0u);     // truncated by ASCII
  EXPECT_EQ(find_invalid_utf8("\xF0\x9F\x98"), 0u);  // truncated 4-byte
  EXPECT_EQ(find_invalid_utf8("ok"), std::string_view::npos);
}

}  // namespace
}  // namespace ropelab
