//===- AllocationTest.cpp - The entry points never allocate ---------------===//
//
// A compiled model keeps every intermediate of forward and train_step in
// the workspace its caller hands it. This binary interposes malloc and its
// kin (a model.so's calls bind to the executable's definitions) and counts
// the calls the entry points make: there must be none.
//
//===----------------------------------------------------------------------===//

#include "dlrt/dlrt.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <string>
#include <vector>

extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);
}

namespace {
thread_local bool counting = false;
thread_local long allocations = 0;
void count() {
  if (counting)
    ++allocations;
}
} // namespace

extern "C" {
void *malloc(size_t n) {
  count();
  return __libc_malloc(n);
}
void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void *realloc(void *p, size_t n) {
  count();
  return __libc_realloc(p, n);
}
void *aligned_alloc(size_t alignment, size_t n) {
  count();
  return __libc_memalign(alignment, n);
}
void *memalign(size_t alignment, size_t n) {
  count();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void **out, size_t alignment, size_t n) {
  count();
  *out = __libc_memalign(alignment, n);
  return *out ? 0 : ENOMEM;
}
void free(void *p) { __libc_free(p); }
}

namespace {

struct Buffers {
  std::vector<std::vector<float>> data;
  std::vector<void *> pointers;
  Buffers(const dlc_tensor_info *tensors, int32_t count, int64_t batch,
          float value) {
    for (int32_t i = 0; i < count; ++i)
      data.emplace_back(dlrt_tensor_elements(&tensors[i], batch), value);
    for (std::vector<float> &d : data)
      pointers.push_back(d.data());
  }
};

/// Runs the model's parallel loops here, in one range.
struct Serial {
  dlc_parallel base{&Serial::run};
  void *scratch = nullptr;
  static void run(const dlc_parallel *self, int64_t count, dlc_task_fn task,
                  void *args) {
    task(args, 0, count, reinterpret_cast<const Serial *>(self)->scratch);
  }
};

/// The calls that forward and train_step make to the allocator at `batch`.
void expectNoAllocation(const char *path, int64_t batch) {
  SCOPED_TRACE(path);
  dlrt_model *model = nullptr;
  ASSERT_EQ(dlrt_model_open(path, nullptr, &model), DLRT_OK)
      << dlrt_last_error();
  const dlc_model_v5 *d = dlrt_model_descriptor(model);
  std::vector<void *> params;
  for (int32_t i = 0; i < d->num_params; ++i) {
    float *data = nullptr;
    size_t n = 0;
    ASSERT_EQ(dlrt_model_parameter(model, d->params[i].name, &data, &n),
              DLRT_OK);
    params.push_back(data);
  }
  // Zeros are valid inputs and targets (class 0) for every model here.
  Buffers inputs(d->inputs, d->num_inputs, batch, 0.5f),
      targets(d->targets, d->num_targets, batch, 0.0f),
      outputs(d->outputs, d->num_outputs, batch, 0.0f),
      state(d->state, d->num_state, 1, 0.0f),
      prepared(d->prepared, d->num_prepared, 1, 0.0f);
  uint64_t bytes = d->workspace_size(batch);
  EXPECT_GT(bytes, 0u);
  void *workspace = ::operator new(bytes, std::align_val_t(64));
  Serial serial;
  serial.scratch =
      ::operator new(d->scratch_size + 64, std::align_val_t(64));

  int32_t rc = 0;
  if (d->prepare) {
    allocations = 0;
    counting = true;
    rc = d->prepare(params.data(), prepared.pointers.data(), workspace,
                    &serial.base);
    counting = false;
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(allocations, 0) << "allocations inside prepare";
  }
  allocations = 0;
  counting = true;
  rc = d->forward(batch, inputs.pointers.data(), params.data(),
                  prepared.pointers.data(), outputs.pointers.data(), workspace,
                  &serial.base);
  counting = false;
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(allocations, 0) << "allocations inside forward";

  if (d->train_step) {
    dlc_train_args args{0.01f, 0, 1};
    float loss = 0;
    allocations = 0;
    counting = true;
    rc = d->train_step(batch, inputs.pointers.data(), targets.pointers.data(),
                       params.data(), state.pointers.data(), &args, &loss,
                       workspace, &serial.base);
    counting = false;
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(allocations, 0) << "allocations inside train_step";
  }
  ::operator delete(workspace, std::align_val_t(64));
  ::operator delete(serial.scratch, std::align_val_t(64));
  dlrt_model_destroy(model);
}

TEST(Allocation, CountsWhatItInterposes) {
  allocations = 0;
  counting = true;
  void *p = std::malloc(16);
  counting = false;
  std::free(p);
  EXPECT_EQ(allocations, 1);
}

TEST(Allocation, NoneInsideEntryPoints) {
  for (const char *path : {DLRT_ALLOC_MODELS})
    for (int64_t batch : {1, 3})
      expectNoAllocation(path, batch);
}

} // namespace
