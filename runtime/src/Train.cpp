//===- Train.cpp - Training steps, the step counter, seeds, metadata ------===//

#include "Error.h"
#include "Model.h"

using namespace dlrt;

namespace {
std::vector<void *> pointers(std::vector<std::vector<float>> &buffers) {
  std::vector<void *> out;
  for (std::vector<float> &b : buffers)
    out.push_back(b.data());
  return out;
}
} // namespace

dlrt_status dlrt_model_train_step(dlrt_model *model, int64_t batch,
                                  const void *const *inputs,
                                  const void *const *targets, float lr,
                                  float *loss) {
  return dlrt::guarded("dlrt_model_train_step", [&]() -> dlrt_status {
    if (!model)
      return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_train_step: model is NULL");
    const dlc_model_v5 *d = model->descriptor;
    if (!d->train_step)
      return fail(DLRT_ERROR_MODEL,
                  "model '{}' cannot train: it has no loss, or was compiled "
                  "with dlc --inference-only",
                  d->name);
    if (batch < 1)
      return fail(DLRT_ERROR_ARGUMENT, "batch must be at least 1, got {}",
                  batch);
    if ((d->num_inputs && !inputs) || (d->num_targets && !targets))
      return fail(DLRT_ERROR_ARGUMENT,
                  "dlrt_model_train_step: inputs and targets are required");
    for (int32_t i = 0; i < d->num_inputs; ++i)
      if (!inputs[i])
        return fail(DLRT_ERROR_ARGUMENT, "input '{}' is NULL",
                    d->inputs[i].name);
    for (int32_t i = 0; i < d->num_targets; ++i)
      if (!targets[i])
        return fail(DLRT_ERROR_ARGUMENT, "target '{}' is NULL",
                    d->targets[i].name);
    std::vector<void *> params = pointers(model->params),
                        state = pointers(model->state);
    dlc_train_args args{lr, model->step, model->seed};
    float value = 0;
    CallMemory memory(model, batch, threadsOf(model));
    int32_t rc = d->train_step(batch, const_cast<void *const *>(inputs),
                               const_cast<void *const *>(targets),
                               params.data(), state.data(), &args, &value,
                               memory.workspace(), memory.parallel());
    if (rc != 0)
      return fail(DLRT_ERROR_MODEL, "model '{}' failed with code {}", d->name,
                  rc);
    model->preparedStale = true;
    ++model->step;
    if (loss)
      *loss = value;
    return ok();
  });
}

int64_t dlrt_model_step(const dlrt_model *model) {
  return model ? model->step : 0;
}

dlrt_status dlrt_model_set_seed(dlrt_model *model, uint64_t seed) {
  if (!model)
    return fail(DLRT_ERROR_ARGUMENT, "dlrt_model_set_seed: model is NULL");
  model->seed = seed;
  return ok();
}

uint64_t dlrt_model_seed(const dlrt_model *model) {
  return model ? model->seed : 0;
}

dlrt_status dlrt_model_set_metadata(dlrt_model *model, const char *key,
                                    const char *value) {
  return dlrt::guarded("dlrt_model_set_metadata", [&]() -> dlrt_status {
    if (!model || !key)
      return fail(DLRT_ERROR_ARGUMENT,
                  "dlrt_model_set_metadata: model and key are required");
    if (value)
      model->metadata[key] = value;
    else
      model->metadata.erase(key);
    return ok();
  });
}

const char *dlrt_model_metadata(const dlrt_model *model, const char *key) {
  if (!model || !key)
    return nullptr;
  auto it = model->metadata.find(key);
  return it == model->metadata.end() ? nullptr : it->second.c_str();
}
