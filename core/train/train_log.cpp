#include "core/train/train_log.h"

#include "core/output/output_file.h"
#include "core/util/error.h"

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
  output::validate_run_name(run);
  const auto config = attrs.find("config_json");  // the recipe, TrainConfig::to_json() as text
  const output::Provenance prov{
      command_line, config != attrs.end() && config->is_string() ? config->get<std::string>() : "{}"};
  auto f = h5::H5File::create_or_open(path);
  output::claim_root(f, output::kTrainLogSchema, prov);
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
    impl_->run = output::begin_run(train, run, /*overwrite=*/true, prov);
    for (const char* s : kSeries) impl_->series.push_back(impl_->run.create_extendible<double>(s, 256));
  }
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    if (it->is_number_integer())
      impl_->run.set_attr_int(it.key(), it->get<int64_t>());
    else if (it->is_string())
      impl_->run.set_attr_string(it.key(), it->get<std::string>());
    else
      impl_->run.set_attr_string(it.key(), it->dump());
  }
  impl_->file.flush();
}

TrainLog::~TrainLog() = default;

void TrainLog::append(const StepRecord& r) {
  const double v[] = {r.loss, r.lr, r.grad_norm, r.tokens_per_s};
  for (size_t i = 0; i < impl_->series.size(); ++i) impl_->series[i].append(v[i]);
  impl_->file.flush();
}

void TrainLog::mark_complete() { output::mark_complete(impl_->run); }

}  // namespace ropelab
