#include "core/train/pretrain_examples.h"

#include "core/text/chat_template.h"
#include "core/util/error.h"

namespace ropelab {

std::vector<TrainExample> pack_documents(const std::vector<std::string>& docs, const Tokenizer& tok,
                                         int64_t window) {
  check_input(window >= 2, "`window` (", window, ") must be >= 2");
  std::vector<TrainExample> out;
  TrainExample cur;
  auto flush = [&] {
    if (cur.ids.size() < 2) return;
    cur.mask.assign(cur.ids.size(), 1);
    cur.mask[0] = 0;
    cur.source = "seq-" + std::to_string(out.size());
    out.push_back(std::move(cur));
    cur = {};
  };
  for (const auto& d : docs) {
    auto ids = encode_turns(tok, d);
    if (int64_t(cur.ids.size() + ids.size()) > window) flush();
    for (size_t pos = 0; pos < ids.size();) {
      size_t room = size_t(window) - cur.ids.size();
      size_t take = std::min(room, ids.size() - pos);
      cur.ids.insert(cur.ids.end(), ids.begin() + long(pos), ids.begin() + long(pos + take));
      pos += take;
      if (int64_t(cur.ids.size()) == window) flush();
    }
  }
  flush();
  return out;
}

}  // namespace ropelab
