#include "core/io/pytorch_bin.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

#include "core/util/error.h"
#include "core/util/files.h"

namespace ropelab {

namespace {

// Third element of the triple a BUILD becomes (see PickleSanitizer).
constexpr const char* kBuildMark = "__ropelab_dropped_build_state__";

// Globals a tensor's pickle needs. Storage classes name the element type of a persistent id.
bool allowed_global(const std::string& module, const std::string& name) {
  static const std::set<std::string> storages = {
      "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage",
      "IntStorage",   "ShortStorage",  "CharStorage", "ByteStorage",     "BoolStorage"};
  if (module == "torch._utils" && name == "_rebuild_tensor_v2") return true;
  if (module == "torch" && storages.count(name)) return true;
  if (module == "torch.jit._pickle" && name == "restore_type_tag") return true;  // LibTorch's own pickles
  return false;
}

// Walks the opcodes of a protocol-2..4 pickle (what torch.save writes), copying them to the output
// with two rewrites the LibTorch unpickler needs (it turns OrderedDict() into None, issue
// pytorch#37213, and has neither BUILD for dicts nor POP):
//   GLOBAL collections.OrderedDict [memo put] EMPTY_TUPLE REDUCE -> EMPTY_DICT [memo put]
//   BINGET <that memo slot> EMPTY_TUPLE REDUCE                   -> EMPTY_DICT (a fresh dict)
//   <dict> <state> BUILD  (state_dict()._metadata)               -> (<dict>, <state>, kBuildMark)
// and read_pytorch_bin() takes the dict back out of such a triple. LibTorch 1.13 also lacks the
// single-item SETITEM and APPEND (Python writes them for one-item batches): a MARK is inserted
// where their key (item) starts — the walker keeps the output offset where each stack value
// begins — and they become SETITEMS / APPENDS.
class PickleSanitizer {
 public:
  PickleSanitizer(const std::string& in, const std::string& where) : in_(in), where_(where) {}

  std::string run() {
    while (true) {
      check_input(pos_ < in_.size(), where_, ": truncated pickle (no STOP opcode)");
      const size_t start = pos_, out_start = out_.size();
      const unsigned char op = byte();
      const bool was_od = od_on_top_;
      od_on_top_ = false;
      switch (op) {
        case 0x80:
          skip(1);
          break;  // PROTO
        case 0x95:
          skip(8);
          copy(start);
          continue;  // FRAME (a hint; kept)
        case '(':
        case ']':
        case '}':
        case ')':
        case 't':
        case 0x85:
        case 0x86:
        case 0x87:
        case 'u':
        case 'e':
        case 'N':
        case 0x88:
        case 0x89:
        case 'Q':  // BINPERSID: ('storage', <Type>Storage, key, location, numel) -> a storage
          break;
        case 'J':
          skip(4);
          break;  // BININT
        case 'K':
          skip(1);
          break;  // BININT1
        case 'M':
          skip(2);
          break;  // BININT2
        case 0x8a:
          skip(byte());
          break;  // LONG1
        case 'G':
          skip(8);
          break;  // BINFLOAT
        case 'X':
        case 'T':
          skip(u32());
          break;  // BINUNICODE, BINSTRING
        case 0x8c:
        case 'U':
        case 'C':
          skip(byte());
          break;  // SHORT_BINUNICODE/BINSTRING/BINBYTES
        case 'B':
          skip(u32());
          break;  // BINBYTES
        case 'q':
          memo_put(byte(), was_od);
          break;  // BINPUT
        case 'r':
          memo_put(u32(), was_od);
          break;  // LONG_BINPUT
        case 0x94:
          memo_put(next_memo_, was_od);
          break;  // MEMOIZE
        case 'h':
        case 'j':  // BINGET, LONG_BINGET
          if (memo_get(op == 'h' ? byte() : u32())) {
            out_ += '}';
            push(out_start);
            continue;
          }
          break;
        case 'c': {  // GLOBAL module\nname\n
          const std::string module = line(), name = line();
          if (module == "collections" && name == "OrderedDict") {
            out_ += '}';
            push(out_start);
            od_on_top_ = true;
            continue;
          }
          check_input(allowed_global(module, name), where_, ": refusing to unpickle global '", module, ".",
                      name, "': a checkpoint may hold only tensors and dicts, lists and tuples of them");
          break;
        }
        case 'R':  // REDUCE of an allowed global
          break;
        case 'b': {  // BUILD -> TUPLE3 with the mark
          const std::string mark = kBuildMark;
          out_ += 'X';
          for (int i = 0; i < 4; ++i) out_ += char((mark.size() >> (8 * i)) & 0xff);
          out_ += mark;
          out_ += '\x87';
          const size_t obj = item(2);
          pop(2);
          push(obj);
          continue;
        }
        case 's':
        case 'a': {  // SETITEM / APPEND -> MARK ... SETITEMS / APPENDS
          const size_t first = item(op == 's' ? 2 : 1);
          out_.insert(first, 1, '(');
          out_ += op == 's' ? 'u' : 'e';
          pop(op == 's' ? 2 : 1);
          continue;
        }
        case '.':  // STOP
          out_ += '.';
          return out_;
        default:
          fail_input(where_, ": refusing to unpickle opcode 0x", hex(op), " at byte ", start,
                     ": a checkpoint may hold only tensors and dicts, lists and tuples of them");
      }
      if (was_od && op != 'q' && op != 'r' && op != 0x94) {
        // OrderedDict must be called with no arguments: EMPTY_TUPLE then REDUCE.
        check_input(op == ')' && pos_ < in_.size() && in_[pos_] == 'R', where_,
                    ": collections.OrderedDict used other than as OrderedDict() (refused)");
        ++pos_;  // the EMPTY_DICT already on the stack is the OrderedDict
        continue;
      }
      copy(start);
      track(op, out_start);
      if (op == 'q' || op == 'r' || op == 0x94) od_on_top_ = was_od;  // a memo put keeps the top
    }
  }

 private:
  unsigned char byte() {
    check_input(pos_ < in_.size(), where_, ": truncated pickle");
    return static_cast<unsigned char>(in_[pos_++]);
  }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(byte()) << (8 * i);
    return v;
  }
  void skip(size_t n) {
    check_input(n <= in_.size() - pos_, where_, ": truncated pickle");
    pos_ += n;
  }
  std::string line() {
    const size_t nl = in_.find('\n', pos_);
    check_input(nl != std::string::npos, where_, ": truncated pickle (GLOBAL)");
    std::string s = in_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    return s;
  }
  void copy(size_t start) { out_.append(in_, start, pos_ - start); }

  // The stack: for each value (or MARK) the output offset where it begins.
  void push(size_t out_start) { stack_.push_back({out_start, false}); }
  size_t item(size_t depth) {  // offset of the value `depth` from the top (1 = top); no MARK between
    check_input(stack_.size() >= depth, where_, ": malformed pickle (stack underflow)");
    for (size_t k = stack_.size() - depth; k < stack_.size(); ++k)
      check_input(!stack_[k].mark, where_, ": malformed pickle (MARK where a value is expected)");
    return stack_[stack_.size() - depth].offset;
  }
  void pop(size_t n) {
    item(n);
    stack_.resize(stack_.size() - n);
  }
  size_t pop_to_mark() {  // offset of the MARK
    while (!stack_.empty() && !stack_.back().mark) stack_.pop_back();
    check_input(!stack_.empty(), where_, ": malformed pickle (no MARK)");
    const size_t at = stack_.back().offset;
    stack_.pop_back();
    return at;
  }
  // Stack effect of an opcode copied unchanged, which begins at output offset out_start.
  void track(unsigned char op, size_t out_start) {
    switch (op) {
      case 0x80:
      case 'q':
      case 'r':
      case 0x94:
        return;
      case '(':
        stack_.push_back({out_start, true});
        return;
      case 't':
        push(pop_to_mark());
        return;
      case 0x85:
      case 0x86:
      case 0x87:
      case 'R':
      case 'Q': {
        const size_t n = op == 0x85 || op == 'Q' ? 1 : op == 0x86 || op == 'R' ? 2 : 3;
        const size_t first = item(n);
        pop(n);
        push(first);
        return;
      }
      case 'u':
      case 'e':
        pop_to_mark();
        item(1);
        return;  // the dict / list stays
      default:
        push(out_start);
        return;  // every other allowed opcode pushes one value
    }
  }
  void memo_put(size_t id, bool od) {
    if (od)
      od_ids_.insert(id);
    else
      od_ids_.erase(id);
    next_memo_ = std::max(next_memo_, id + 1);
  }
  bool memo_get(size_t id) { return od_on_top_ = od_ids_.count(id) > 0; }
  static std::string hex(unsigned char c) {
    const char* d = "0123456789abcdef";
    return {d[c >> 4], d[c & 15]};
  }

  const std::string& in_;
  const std::string where_;
  size_t pos_ = 0;
  std::string out_;
  bool od_on_top_ = false;   // the last opcode referred to the OrderedDict class (now an EMPTY_DICT)
  std::set<size_t> od_ids_;  // memo slots holding it
  size_t next_memo_ = 0;
  struct Slot {
    size_t offset;
    bool mark;
  };
  std::vector<Slot> stack_;
};

}  // namespace

std::string sanitize_checkpoint_pickle(const std::string& pickle, const std::string& where) {
  return PickleSanitizer(pickle, where).run();
}

std::map<std::string, torch::Tensor> read_pytorch_bin(const std::string& path) {
  {
    std::ifstream f(path, std::ios::binary);
    check_input(bool(f), path, ": cannot open");
    char magic[4] = {0, 0, 0, 0};
    f.read(magic, 4);
    check_input(std::memcmp(magic, "PK\x03\x04", 4) == 0, path,
                ": not a torch.save zip archive (the legacy pre-1.6 format is not read; re-save it with a "
                "current torch or convert it to safetensors)");
  }
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> zip;
  try {
    zip = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    fail_input(path, ": unreadable torch.save archive: ", std::string(e.what_without_backtrace()));
  }
  check_input(zip->hasRecord("data.pkl"), path, ": torch.save archive without data.pkl");
  std::string raw_pickle;
  try {  // a corrupt entry fails here, not at open (found by fuzz/targets/weights.cpp)
    auto [pkl_ptr, pkl_size] = zip->getRecord("data.pkl");
    raw_pickle.assign(static_cast<const char*>(pkl_ptr.get()), pkl_size);
  } catch (const c10::Error& e) {
    fail_input(path,
               ": unreadable data.pkl in the torch.save archive: ", std::string(e.what_without_backtrace()));
  }
  const std::string pickle = sanitize_checkpoint_pickle(raw_pickle, path);

  size_t pos = 0;
  auto reader = [&](char* buf, size_t n) {
    const size_t k = std::min(n, pickle.size() - pos);
    std::memcpy(buf, pickle.data() + pos, k);
    pos += k;
    return k;
  };
  auto read_record = [&](const std::string& key) {
    const std::string name = "data/" + key;
    check_input(zip->hasRecord(name), path, ": storage '", key, "' missing from the archive");
    return std::get<0>(zip->getRecord(name));
  };
  // Called for TorchScript classes (refused) and for the container type tags LibTorch's own
  // pickler writes (restore_type_tag: "Dict[str, Tensor]", parsed as types, no code).
  auto no_classes = [&](const c10::QualifiedName& qn) -> c10::StrongTypePtr {
    const std::string name = qn.qualifiedName();
    check_input(name.rfind("__torch__", 0) != 0, path, ": refusing to unpickle class '", name, "'");
    try {
      return c10::StrongTypePtr(nullptr, torch::jit::Unpickler::defaultTypeParser(name));
    } catch (const c10::Error& e) {
      fail_input(path, ": refusing to unpickle type '", name, "'");
    }
  };
  c10::IValue value;
  try {
    torch::jit::Unpickler unpickler(reader, no_classes, /*obj_loader=*/nullptr, read_record,
                                    c10::Device(c10::kCPU));
    value = unpickler.parse_ivalue();
  } catch (const InputError&) {
    throw;  // our own refusals from the record and type callbacks
  } catch (const c10::Error& e) {
    fail_input(path, ": cannot unpickle: ", std::string(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    // LibTorch's unpickler indexes its memo with std::vector::at: a memo id from the file beyond
    // the memo escapes as std::out_of_range (found by fuzzing).
    fail_input(path, ": cannot unpickle: ", e.what());
  }
  if (value.isTuple()) {  // a BUILD on the top-level dict: (dict, state, kBuildMark)
    const auto& e = value.toTupleRef().elements();
    if (e.size() == 3 && e[2].isString() && e[2].toStringRef() == kBuildMark) value = e[0];
  }
  check_input(value.isGenericDict(), path, ": expected a dict of tensor name -> tensor, got ",
              value.tagKind());
  std::map<std::string, torch::Tensor> out;
  for (const auto& kv : value.toGenericDict()) {
    check_input(kv.key().isString(), path, ": expected string keys, got ", kv.key().tagKind());
    const std::string name = kv.key().toStringRef();
    check_input(kv.value().isTensor(), path, ": entry '", name, "' is a ", kv.value().tagKind(),
                ", not a tensor");
    out[name] = kv.value().toTensor();
  }
  return out;
}

std::optional<CheckpointTensors> read_pytorch_bin_dir(const std::string& dir_s) {
  const fs::path dir(dir_s);
  const fs::path single = dir / "pytorch_model.bin";
  const fs::path index = dir / "pytorch_model.bin.index.json";
  std::vector<std::string> files;
  std::map<std::string, std::string> listed;  // tensor -> file, from the index
  if (fs::exists(index)) {
    auto j = read_json_file(index);
    check_input(j.contains("weight_map") && j["weight_map"].is_object(), index.string(),
                ": missing object 'weight_map'");
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      check_input(it.value().is_string(), index.string(), ": weight_map['", it.key(),
                  "'] must be a file name");
      const std::string file = it.value().get<std::string>();
      check_input(file.find('/') == std::string::npos, index.string(), ": weight_map['", it.key(),
                  "'] names a path outside the directory: ", file);
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
      listed[it.key()] = file;
    }
  } else if (fs::exists(single)) {
    files.push_back(single.filename().string());
  } else {
    return std::nullopt;
  }
  CheckpointTensors out;
  for (const auto& file : files) {
    const std::string path = (dir / file).string();
    for (auto& [name, t] : read_pytorch_bin(path)) {
      if (!listed.empty()) {
        auto it = listed.find(name);
        check_input(it != listed.end() && it->second == file, path, ": tensor '", name,
                    "' is not listed for ", file, " in ", index.string());
      }
      auto [it, fresh] = out.emplace(name, CheckpointTensor{path, t});
      check_input(fresh, path, ": tensor '", name, "' also in ", it->second.file);
    }
  }
  for (const auto& [name, file] : listed)
    check_input(out.count(name) > 0, (dir / file).string(), ": missing tensor '", name, "' (listed in ",
                index.string(), ")");
  return out;
}

}  // namespace ropelab
