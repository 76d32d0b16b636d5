#include "core/io/documents.h"

#include <fstream>

#include "core/io/jsonl.h"
#include "core/util/error.h"
#include "core/util/rng.h"

namespace ropelab {

namespace {

bool blank_line(const std::string& s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string::npos; }

std::vector<std::string> read_jsonl_documents(const std::string& path) {
  JsonlReader reader(path);
  std::vector<std::string> docs;
  size_t line = 0;
  nlohmann::json v;
  while (reader.next(line, v)) {
    check_input(v.is_object(), path, ":", line, ": expected a JSON object with a \"text\" field, got ",
                v.type_name());
    auto it = v.find("text");
    check_input(it != v.end(), path, ":", line, ": no \"text\" field");
    check_input(it->is_string(), path, ":", line, ": \"text\" must be a string, got ", it->type_name());
    docs.push_back(it->get<std::string>());
  }
  return docs;
}

std::vector<std::string> read_plain_documents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(in.good(), path, ": cannot open file (does it exist?)");
  std::vector<std::string> docs;
  std::string line, cur;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    check_input(valid_utf8(line), path, ":", n, ": invalid UTF-8");
    if (blank_line(line)) {
      if (!cur.empty()) docs.push_back(std::move(cur));
      cur.clear();
    } else {
      if (!cur.empty()) cur += '\n';
      cur += line;
    }
  }
  if (!cur.empty()) docs.push_back(std::move(cur));
  return docs;
}

}  // namespace

std::vector<std::string> read_documents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  check_input(in.good(), path, ": cannot open file (does it exist?)");
  char c = 0;
  while (in.get(c) && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
  }
  auto docs = (in && c == '{') ? read_jsonl_documents(path) : read_plain_documents(path);
  check_input(!docs.empty(), path, ": no documents found");
  return docs;
}

std::vector<size_t> shuffled_order(size_t n, uint64_t seed) { return Rng(seed).permutation(n); }

}  // namespace ropelab
