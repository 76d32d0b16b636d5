#include "core/train/train_log.h"

#include <filesystem>

#include "core/io/h5.h"
#include "core/util/error.h"
#include "core/util/version.h"

namespace ropelab {

namespace {
const char* kSeries[] = {"loss", "lr", "grad_norm", "tokens_per_s"};
}

struct TrainLog::Impl {
  h5::H5File file;
  h5::Group run;
  std::vector<h5::Dataset> series;
};

TrainLog::TrainLog(const std::string& path, const std::string& run, const nlohmann::json& attrs,
                   const std::string& command_line, int64_t resume_step) {
  check_input(!run.empty() && run.find('/') == std::string::npos, "--run: '", run, "' must be a non-empty name without '/'");
  auto f = h5::H5File::create_or_open(path);
  if (f.has_attr("schema_version")) {
    check_input(f.attr_int("schema_version") == kTrainSchemaVersion, path, ": schema_version ",
                f.attr_int("schema_version"), " is not the training-log schema v", kTrainSchemaVersion);
  } else {
    check_input(f.children().empty(), path, ": not a training log (no schema_version); remove it or choose another --out");
    auto prov = provenance_json();
    f.set_attr_int("schema_version", kTrainSchemaVersion);
    f.set_attr_string("ropelab_version", prov["ropelab_version"].get<std::string>());
    f.set_attr_string("git_sha", prov["git_sha"].get<std::string>());
    f.set_attr_string("created_utc", utc_now_iso8601());
  }
  f.set_attr_string("command_line", command_line);
  impl_ = std::make_unique<Impl>(Impl{f, h5::Group(f), {}});
  h5::Group train = f.group("/train");
  if (resume_step >= 0 && train.exists(run)) {
    impl_->run = train.open_group(run);
    h5::Group& g = impl_->run;
    g.set_attr_bool("complete", false);
    for (const char* s : kSeries) {
      auto d = g.dataset(s);
      check_input(int64_t(d.size()) >= resume_step, path, ": /train/", run, "/", s, " has ", d.size(),
                  " steps, fewer than the checkpoint's ", resume_step, " (log and checkpoint disagree)");
      d.resize(hsize_t(resume_step));
      impl_->series.push_back(d);
    }
  } else {
    impl_->run = h5::begin_run(train, run, /*overwrite=*/true);
    for (const char* s : kSeries) impl_->series.push_back(impl_->run.create_extendible<double>(s, 256));
  }
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    if (it->is_number_integer()) impl_->run.set_attr_int(it.key(), it->get<int64_t>());
    else if (it->is_string()) impl_->run.set_attr_string(it.key(), it->get<std::string>());
    else impl_->run.set_attr_string(it.key(), it->dump());
  }
  impl_->file.flush();
}

TrainLog::~TrainLog() = default;

void TrainLog::append(const StepRecord& r) {
  const double v[] = {r.loss, r.lr, r.grad_norm, r.tokens_per_s};
  for (size_t i = 0; i < impl_->series.size(); ++i) impl_->series[i].append(v[i]);
  impl_->file.flush();
}

void TrainLog::mark_complete() { h5::mark_complete(impl_->run); }

}  // namespace ropelab
