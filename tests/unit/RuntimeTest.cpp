//===- RuntimeTest.cpp - The runtime's behaviour and every error path -----===//
//
// Uses models compiled by dlc at build time (mlp, and opmix with batchnorm)
// and files this test writes, damaged on purpose.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"
#include "dlrt/dlrt.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <thread>
#include <unistd.h>

namespace {

using dlc_test::slurp;
using dlc_test::spit;
using dlc_test::temp;

std::string lastError() { return dlrt_last_error(); }

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

/// A safetensors file with the given header and `dataBytes` bytes of data.
std::string safetensors(const std::string &header, size_t dataBytes) {
  std::string b(8, '\0');
  for (int i = 0; i < 8; ++i)
    b[i] = char((header.size() >> (8 * i)) & 0xff);
  return b + header + std::string(dataBytes, '\0');
}

struct Open {
  dlrt_model *model = nullptr;
  dlrt_status status;
  explicit Open(const std::string &path, const char *symbol = nullptr)
      : status(dlrt_model_open(path.c_str(), symbol, &model)) {}
  ~Open() { dlrt_model_destroy(model); }
};

TEST(Runtime, VersionIsTheHeaders) {
  dlrt_version_info v = dlrt_version();
  EXPECT_EQ(v.major, DLRT_VERSION_MAJOR);
  EXPECT_EQ(v.minor, DLRT_VERSION_MINOR);
  EXPECT_EQ(v.patch, DLRT_VERSION_PATCH);
  EXPECT_EQ(v.abi_major, DLC_ABI_VERSION_MAJOR);
  EXPECT_EQ(v.abi_minor, DLC_ABI_VERSION_MINOR);
  EXPECT_EQ(std::to_string(v.major) + "." + std::to_string(v.minor) + "." +
                std::to_string(v.patch),
            DLRT_VERSION_STRING);
}

TEST(Model, OpensAndDescribes) {
  Open m(DLRT_TEST_MLP);
  ASSERT_EQ(m.status, DLRT_OK) << lastError();
  const dlc_model_v5 *d = dlrt_model_descriptor(m.model);
  EXPECT_STREQ(d->name, "mlp");
  EXPECT_EQ(d->num_inputs, 1);
  EXPECT_STREQ(d->inputs[0].name, "image");
  EXPECT_EQ(d->inputs[0].shape[0], -1);
  EXPECT_EQ(d->num_params, 6);
  EXPECT_STREQ(d->params[0].name, "a.weight");
  EXPECT_STREQ(d->optimizer, "sgd");
  EXPECT_EQ(dlrt_tensor_elements(&d->inputs[0], 5), 5 * 64);
}

TEST(Model, OpenErrorsNameTheFile) {
  Open missing(temp("missing.so"));
  EXPECT_EQ(missing.status, DLRT_ERROR_IO);
  EXPECT_TRUE(contains(lastError(), "missing.so")) << lastError();

  std::string text = temp("text.so");
  spit(text, "not a library");
  Open notElf(text);
  EXPECT_EQ(notElf.status, DLRT_ERROR_FORMAT);
  EXPECT_TRUE(contains(lastError(), "is not a shared library dlc made"))
      << lastError();

  std::string truncated = temp("truncated.so");
  spit(truncated, slurp(DLRT_TEST_MLP).substr(0, 200));
  EXPECT_EQ(Open(truncated).status, DLRT_ERROR_FORMAT);
  EXPECT_TRUE(contains(lastError(), "truncated.so")) << lastError();

  // A real library without a dlc_model_* entry: the runtime itself.
  Open runtime(DLRT_TEST_RUNTIME);
  EXPECT_EQ(runtime.status, DLRT_ERROR_FORMAT);
  EXPECT_TRUE(contains(lastError(), "exports 0 dlc_model_* symbols")) << lastError();

  Open wrongSymbol(DLRT_TEST_MLP, "dlc_model_lenet5");
  EXPECT_EQ(wrongSymbol.status, DLRT_ERROR_NAME);
  EXPECT_TRUE(contains(lastError(), "dlc_model_lenet5")) << lastError();

  EXPECT_EQ(dlrt_model_open(nullptr, nullptr, nullptr), DLRT_ERROR_ARGUMENT);
  dlrt_model_destroy(nullptr); // NULL-safe
}

TEST(Model, AbiMismatchIsAnError) {
  Open m(DLRT_TEST_MLP);
  ASSERT_EQ(m.status, DLRT_OK);
  const dlc_model_v5 *d = dlrt_model_descriptor(m.model);
  EXPECT_EQ(d->abi_major, DLC_ABI_VERSION_MAJOR);
  EXPECT_EQ(d->abi_minor, DLC_ABI_VERSION_MINOR);
  dlc_model_v5 newer = *d;
  newer.abi_major = DLC_ABI_VERSION_MAJOR + 1;
  dlrt_model *other = nullptr;
  EXPECT_EQ(dlrt_model_from_descriptor(&newer, &other), DLRT_ERROR_ABI);
  EXPECT_EQ(other, nullptr);
  EXPECT_TRUE(contains(lastError(), "ABI 6.0, this runtime reads ABI 5.x"))
      << lastError();

  // A newer minor version only adds what this runtime may ignore.
  dlc_model_v5 additions = *d;
  additions.abi_minor = DLC_ABI_VERSION_MINOR + 1;
  EXPECT_EQ(dlrt_model_from_descriptor(&additions, &other), DLRT_OK)
      << lastError();
  dlrt_model_destroy(other);

  // The same descriptor, unchanged, works as a statically linked model.
  dlrt::Model linked =
      dlrt::Model::fromDescriptor(dlrt_model_descriptor(m.model));
  EXPECT_STREQ(linked.descriptor().name, "mlp");
}

TEST(Model, InitialisationFollowsPyTorch) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_OPMIX);
  m.init(42);
  auto [w, n] = m.parameter("d.weight"); // Linear(14, 5): bound 1/sqrt(14)
  float bound = 1.0f / std::sqrt(14.0f), largest = 0;
  for (size_t i = 0; i < n; ++i)
    largest = std::max(largest, std::fabs(w[i]));
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.5f * bound);
  auto [gw, gn] = m.parameter("g.weight"); // grouped conv: fan_in 2*3*3
  for (size_t i = 0; i < gn; ++i)
    EXPECT_LE(std::fabs(gw[i]), 1.0f / std::sqrt(18.0f));
  auto [tw, tn] = m.parameter("t.weight"); // ConvTranspose [8, 6, 3, 3]: fan_in 6*9
  for (size_t i = 0; i < tn; ++i)
    EXPECT_LE(std::fabs(tw[i]), 1.0f / std::sqrt(54.0f));
  std::map<std::string, float> expected = {{"b.weight", 1}, {"b.bias", 0},
                                           {"b.running_mean", 0},
                                           {"b.running_var", 1}};
  for (auto &[name, value] : expected) {
    auto [p, count] = m.parameter(name);
    for (size_t i = 0; i < count; ++i)
      ASSERT_EQ(p[i], value) << name;
  }
  std::vector<float> first(w, w + n);
  m.init(42);
  EXPECT_EQ(std::vector<float>(w, w + n), first);
  m.init(43);
  EXPECT_NE(std::vector<float>(w, w + n), first);
}

TEST(Model, ForwardChecksItsArguments) {
  Open m(DLRT_TEST_MLP);
  ASSERT_EQ(m.status, DLRT_OK);
  std::vector<float> x(3 * 64, 0.5f), y(3 * 10);
  const void *in[] = {x.data()};
  void *out[] = {y.data()};
  EXPECT_EQ(dlrt_model_forward(m.model, 3, in, out), DLRT_OK) << lastError();
  EXPECT_EQ(dlrt_model_forward(m.model, 0, in, out), DLRT_ERROR_ARGUMENT);
  EXPECT_TRUE(contains(lastError(), "batch must be at least 1")) << lastError();
  const void *nullIn[] = {nullptr};
  EXPECT_EQ(dlrt_model_forward(m.model, 3, nullIn, out), DLRT_ERROR_ARGUMENT);
  EXPECT_TRUE(contains(lastError(), "input 'image'")) << lastError();
  EXPECT_EQ(dlrt_model_forward(nullptr, 3, in, out), DLRT_ERROR_ARGUMENT);
  // The compiled code assumes its buffers do not overlap: an output written
  // over its input is refused, one that ends where the input starts is not.
  void *overInput[] = {x.data() + 64};
  EXPECT_EQ(dlrt_model_forward(m.model, 3, in, overInput), DLRT_ERROR_ARGUMENT);
  EXPECT_TRUE(contains(lastError(), "output 'logits' overlaps input 'image'"))
      << lastError();
  std::vector<float> both(3 * 10 + 3 * 64);
  const void *after[] = {both.data() + 3 * 10};
  void *before[] = {both.data()};
  EXPECT_EQ(dlrt_model_forward(m.model, 3, after, before), DLRT_OK)
      << lastError();

  dlrt::Model cpp = dlrt::Model::open(DLRT_TEST_MLP);
  EXPECT_THROW(cpp.forward(1, {}), dlrt::Error);
  // Each sample is independent of the batch it is in.
  std::vector<float> one = cpp.forward(1, {x.data()})[0];
  std::vector<float> three = cpp.forward(3, {x.data()})[0];
  for (int i = 0; i < 10; ++i)
    EXPECT_FLOAT_EQ(one[i], three[20 + i]);
}

TEST(Model, ThreadsSplitTheBatchWithoutChangingResults) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_OPMIX);
  m.init(3);
  std::vector<float> x(7 * 4 * 12 * 12);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(float(i));
  m.setThreads(1);
  std::vector<std::vector<float>> one = m.forward(7, {x.data()});
  m.setThreads(3); // parts of 3, 3 and 1 samples
  EXPECT_EQ(m.forward(7, {x.data()}), one);
  m.setThreads(16); // more threads than samples
  EXPECT_EQ(m.forward(7, {x.data()}), one);
  // The runtime keeps its threads between calls: forwards that share them
  // from several threads at once still compute what one thread computes.
  m.setThreads(3);
  std::vector<std::thread> callers;
  std::atomic<int> equal{0};
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int r = 0; r < 20; ++r)
        equal += m.forward(7, {x.data()}) == one;
    });
  for (std::thread &t : callers)
    t.join();
  EXPECT_EQ(equal, 4 * 20);
  // Idle threads spin briefly, then sleep: after a pause longer than the
  // spin they are woken (a lost wake-up would hang here).
  for (int r = 0; r < 3; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(m.forward(7, {x.data()}), one);
  }
  EXPECT_EQ(dlrt_model_set_threads(nullptr, 2), DLRT_ERROR_ARGUMENT);
  EXPECT_THROW(m.setThreads(-1), dlrt::Error);
}

/// A dlc_parallel that runs every iteration as a range of its own, last
/// first, each with its own scratch: the most hostile split a runtime may
/// choose.
struct Reversed {
  dlc_parallel base{&Reversed::run};
  uint64_t scratchBytes = 0;
  mutable int64_t calls = 0, iterations = 0;
  static void run(const dlc_parallel *self, int64_t count, dlc_task_fn task,
                  void *args) {
    auto *r = reinterpret_cast<const Reversed *>(self);
    ++r->calls;
    r->iterations += count;
    std::vector<std::vector<uint8_t>> scratch(count);
    for (int64_t i = count; i-- > 0;) {
      scratch[i].assign(r->scratchBytes + 64, 0xff);
      void *p = scratch[i].data();
      size_t space = scratch[i].size();
      task(args, i, i + 1, std::align(64, r->scratchBytes, p, space));
    }
  }
};

// A sample's layers run as tiles on the runtime's threads: any split of
// them, in any order, computes what one thread computes, in forward and in
// a training step (only parallel dimensions are split, never a reduction).
TEST(Model, ThreadsShareOneSampleWithoutChangingResults) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_RESNET);
  m.init(3);
  const dlc_model_v5 &d = m.descriptor();
  std::vector<float> x(2 * 3 * 32 * 32);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.1f * float(i));
  m.setThreads(1);
  std::vector<std::vector<float>> one = m.forward(1, {x.data()});
  std::vector<std::vector<float>> two = m.forward(2, {x.data()});
  m.setThreads(3); // batches smaller than the threads: tiles are shared
  EXPECT_EQ(m.forward(1, {x.data()}), one);
  EXPECT_EQ(m.forward(2, {x.data()}), two);

  // The entry point called directly, its ranges reversed.
  std::vector<void *> params, prepared;
  for (int32_t i = 0; i < d.num_params; ++i)
    params.push_back(m.parameter(d.params[i].name).first);
  std::vector<std::vector<float>> preparedData;
  for (int32_t i = 0; i < d.num_prepared; ++i)
    preparedData.emplace_back(dlrt_tensor_elements(&d.prepared[i], 1));
  for (std::vector<float> &p : preparedData)
    prepared.push_back(p.data());
  std::vector<uint8_t> workspace(d.workspace_size(1) + 64);
  void *w = workspace.data();
  size_t space = workspace.size();
  w = std::align(64, d.workspace_size(1), w, space);
  Reversed reversed;
  reversed.scratchBytes = d.scratch_size;
  ASSERT_EQ(d.prepare(params.data(), prepared.data(), w, &reversed.base), 0);
  std::vector<float> logits(10);
  void *inputs[] = {x.data()}, *outputs[] = {logits.data()};
  ASSERT_EQ(d.forward(1, inputs, params.data(), prepared.data(), outputs, w,
                      &reversed.base),
            0);
  EXPECT_EQ(logits, one[0]);
  EXPECT_GT(reversed.calls, 0);
  EXPECT_GT(reversed.iterations, reversed.calls); // layers of several tiles

  // One training step on 1 and on 3 threads, from the same start.
  std::vector<int32_t> labels = {3, 7};
  dlrt::Model a = dlrt::Model::open(DLRT_TEST_RESNET),
              b = dlrt::Model::open(DLRT_TEST_RESNET);
  a.init(4);
  b.init(4);
  a.setThreads(1);
  b.setThreads(3);
  for (int step = 0; step < 2; ++step)
    EXPECT_EQ(a.trainStep(2, {x.data()}, {labels.data()}, 0.05f),
              b.trainStep(2, {x.data()}, {labels.data()}, 0.05f));
  for (int32_t i = 0; i < d.num_params; ++i) {
    auto [pa, n] = a.parameter(d.params[i].name);
    auto [pb, nb] = b.parameter(d.params[i].name);
    ASSERT_EQ(n, nb);
    EXPECT_EQ(std::memcmp(pa, pb, n * sizeof(float)), 0) << d.params[i].name;
  }
}

// opmix's first batchnorm folds into the convolution before it: forward
// reads weights that prepare() derived, which must follow every change.
TEST(Model, ForwardFollowsParameterChanges) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_OPMIX);
  EXPECT_GT(m.descriptor().num_prepared, 0);
  EXPECT_NE(m.descriptor().prepare, nullptr);
  m.init(5);
  std::vector<float> x(2 * 4 * 12 * 12);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::cos(float(i));
  std::vector<std::vector<float>> before = m.forward(2, {x.data()});
  std::string path = temp("prepare.safetensors");
  m.save(path);

  auto [gamma, n] = m.parameter("b.weight");
  for (size_t i = 0; i < n; ++i)
    gamma[i] = 3.0f;
  std::vector<std::vector<float>> scaled = m.forward(2, {x.data()});
  EXPECT_NE(scaled, before);
  m.load(path);
  EXPECT_EQ(m.forward(2, {x.data()}), before);
  m.init(6);
  EXPECT_NE(m.forward(2, {x.data()}), before);
  m.init(5);
  EXPECT_EQ(m.forward(2, {x.data()}), before);
}

TEST(Weights, SaveLoadRoundTripIsAtomic) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_OPMIX);
  m.init(1);
  std::string path = temp("w.safetensors");
  m.save(path);
  EXPECT_TRUE(slurp(path + ".tmp." + std::to_string(getpid())).empty());
  auto [w, n] = m.parameter("g.weight");
  std::vector<float> saved(w, w + n);
  m.init(2);
  m.load(path);
  EXPECT_EQ(std::vector<float>(w, w + n), saved);
  // An unwritable destination is an error that names it; the file is intact.
  EXPECT_THROW(m.save(temp("no/such/dir/w.safetensors")), dlrt::Error);
  EXPECT_TRUE(contains(lastError(), "no/such/dir")) << lastError();
}

TEST(Weights, LoadErrorsNameTheTensorAndChangeNothing) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_MLP);
  m.init(5);
  auto [w, n] = m.parameter("a.weight");
  std::vector<float> before(w, w + n);
  std::string good = temp("good.safetensors");
  m.save(good);
  std::string bytes = slurp(good);

  struct Case {
    std::string name, file;
    dlrt_status status;
    std::string message;
  };
  std::string full =
      R"("a.weight":{"dtype":"F32","shape":[128,64],"data_offsets":[0,32768]},)"
      R"("a.bias":{"dtype":"F32","shape":[128],"data_offsets":[32768,33280]},)"
      R"("b.weight":{"dtype":"F32","shape":[64,128],"data_offsets":[33280,66048]},)"
      R"("b.bias":{"dtype":"F32","shape":[64],"data_offsets":[66048,66304]},)"
      R"("c.weight":{"dtype":"F32","shape":[10,64],"data_offsets":[66304,68864]},)";
  std::string cBias = R"("c.bias":{"dtype":"F32","shape":[10],"data_offsets":[68864,68904]})";
  std::vector<Case> cases = {
      {"missing", safetensors("{" + full.substr(0, full.size() - 1) + "}", 68864),
       DLRT_ERROR_NAME, "has no tensor 'c.bias' (shape [10])"},
      {"extra",
       safetensors("{" + full + cBias +
                       R"(,"d.weight":{"dtype":"F32","shape":[1],"data_offsets":[68904,68908]}})",
                   68908),
       DLRT_ERROR_NAME, "has tensor 'd.weight', which model 'mlp' does not have"},
      {"shape",
       safetensors("{" + full + R"("c.bias":{"dtype":"F32","shape":[11],"data_offsets":[68864,68908]}})",
                   68908),
       DLRT_ERROR_SHAPE, "tensor 'c.bias' has shape [11], expected [10]"},
      {"dtype",
       safetensors("{" + full + R"("c.bias":{"dtype":"F16","shape":[10],"data_offsets":[68864,68884]}})",
                   68884),
       DLRT_ERROR_DTYPE, "tensor 'c.bias' is F16, expected F32"},
      {"truncated", bytes.substr(0, bytes.size() - 100), DLRT_ERROR_FORMAT,
       "lies outside the file (truncated?)"},
      {"header", bytes.substr(0, 40), DLRT_ERROR_FORMAT,
       "the header runs past the end of the file"},
      {"json", safetensors("{not json", 0), DLRT_ERROR_FORMAT,
       "the header is not a JSON object"},
      {"tiny", "abc", DLRT_ERROR_FORMAT, "shorter than its 8-byte header length"},
  };
  for (const Case &c : cases) {
    std::string path = temp(c.name + ".safetensors");
    spit(path, c.file);
    dlrt_model *raw = nullptr;
    ASSERT_EQ(dlrt_model_open(DLRT_TEST_MLP, nullptr, &raw), DLRT_OK);
    EXPECT_EQ(dlrt_model_load(raw, path.c_str()), c.status) << c.name;
    EXPECT_TRUE(contains(lastError(), c.message)) << c.name << ": " << lastError();
    EXPECT_TRUE(contains(lastError(), path)) << c.name << ": " << lastError();
    dlrt_model_destroy(raw);
    EXPECT_THROW(m.load(path), dlrt::Error) << c.name;
    EXPECT_EQ(std::vector<float>(w, w + n), before) << c.name;
  }
  EXPECT_EQ(dlrt_model_load(nullptr, good.c_str()), DLRT_ERROR_ARGUMENT);
}

TEST(Arrays, NpzRoundTrip) {
  std::vector<float> f = {1.5f, -2, 3, 4, 5, 6};
  std::vector<int32_t> i = {7, -8, 9};
  dlrt_array arrays[2] = {};
  arrays[0].name = const_cast<char *>("x");
  arrays[0].dtype = DLC_F32;
  arrays[0].rank = 2;
  arrays[0].shape[0] = 2;
  arrays[0].shape[1] = 3;
  arrays[0].data = f.data();
  arrays[1].name = const_cast<char *>("labels");
  arrays[1].dtype = DLC_I32;
  arrays[1].rank = 1;
  arrays[1].shape[0] = 3;
  arrays[1].data = i.data();
  std::string path = temp("a.npz");
  ASSERT_EQ(dlrt_npz_write(path.c_str(), arrays, 2), DLRT_OK) << lastError();
  dlrt::Arrays back = dlrt::Arrays::readNpz(path);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_STREQ(back[0].name, "x");
  EXPECT_EQ(back[0].rank, 2);
  EXPECT_EQ(back[0].shape[1], 3);
  EXPECT_EQ(std::memcmp(back[0].data, f.data(), 24), 0);
  EXPECT_STREQ(back[1].name, "labels");
  EXPECT_EQ(back[1].dtype, DLC_I32);
  EXPECT_EQ(std::memcmp(back[1].data, i.data(), 12), 0);
}

std::string npy(const std::string &descr, const std::string &shape,
                const std::string &data, bool fortran = false) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " +
                       (fortran ? "True" : "False") + ", 'shape': (" + shape +
                       "), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::string b = "\x93NUMPY\x01";
  b += '\0';
  b += char(header.size() & 0xff);
  b += char(header.size() >> 8);
  return b + header + data;
}

TEST(Arrays, NpyConvertsAndRejects) {
  double d[2] = {0.25, -1};
  std::string f64 = temp("f64.npy");
  spit(f64, npy("<f8", "2,", std::string(reinterpret_cast<char *>(d), 16)));
  dlrt::Arrays a = dlrt::Arrays::readNpy(f64);
  EXPECT_EQ(a[0].dtype, DLC_F32);
  EXPECT_EQ(static_cast<float *>(a[0].data)[0], 0.25f);
  EXPECT_STREQ(a[0].name, std::string(f64).substr(f64.rfind('/') + 1,
                                                  f64.size() - f64.rfind('/') - 5)
                              .c_str());

  int64_t big[1] = {int64_t(1) << 40};
  struct Case {
    std::string name, bytes, message;
  } cases[] = {
      {"big", npy("<i8", "1,", std::string(reinterpret_cast<char *>(big), 8)),
       "does not fit in 32 bits"},
      {"short", npy("<f4", "4,", std::string(8, '\0')),
       "shorter than its shape needs"},
      {"fortran", npy("<f4", "2, 2", std::string(16, '\0'), true), "Fortran"},
      {"complex", npy("<c8", "1,", std::string(8, '\0')), "unsupported element type"},
      {"magic", "NUMPY", "no NUMPY magic"},
  };
  for (const Case &c : cases) {
    std::string path = temp(c.name + ".npy");
    spit(path, c.bytes);
    dlrt_array *out = nullptr;
    EXPECT_EQ(dlrt_npy_read(path.c_str(), &out), DLRT_ERROR_FORMAT) << c.name;
    EXPECT_EQ(out, nullptr);
    EXPECT_TRUE(contains(lastError(), c.message)) << c.name << ": " << lastError();
  }
  std::string zip = temp("bad.npz");
  spit(zip, "PK garbage");
  dlrt_array *out = nullptr;
  size_t count = 0;
  EXPECT_EQ(dlrt_npz_read(zip.c_str(), &out, &count), DLRT_ERROR_FORMAT);
  EXPECT_TRUE(contains(lastError(), "no zip directory")) << lastError();
}

} // namespace
