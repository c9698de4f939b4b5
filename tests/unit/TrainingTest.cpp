//===- TrainingTest.cpp - The runtime's training API and checkpoints ------===//
//
// mlp.so trains with SGD and momentum; opmix.so has no loss. Numerics
// against PyTorch are the e2e tests' job; these check the API's contract.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"
#include "dlrt/dlrt.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unistd.h>

namespace {

using dlc_test::slurp;
using dlc_test::spit;
using dlc_test::temp;

bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

/// A fixed batch of 16 random digits-shaped images and labels.
struct Batch {
  std::vector<float> images = std::vector<float>(16 * 64);
  std::vector<int32_t> labels = std::vector<int32_t>(16);
  Batch() {
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    for (float &v : images)
      v = normal(rng);
    for (size_t i = 0; i < labels.size(); ++i)
      labels[i] = int32_t(i % 10);
  }
  float step(dlrt::Model &m, float lr = 0.05f) {
    return m.trainStep(16, {images.data()}, {labels.data()}, lr);
  }
};

std::vector<float> values(dlrt::Model &m, const std::string &name) {
  auto [data, count] = m.parameter(name);
  return std::vector<float>(data, data + count);
}

TEST(Training, StepsLowerTheLossAndCount) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_MLP);
  m.init(1);
  Batch batch;
  std::vector<float> before = values(m, "a.weight");
  float first = batch.step(m);
  float loss = first;
  for (int i = 0; i < 20; ++i)
    loss = batch.step(m);
  EXPECT_LT(loss, 0.5f * first);
  EXPECT_EQ(m.step(), 21);
  EXPECT_NE(values(m, "a.weight"), before);
  // The same seed and batches give the same weights, bit for bit.
  dlrt::Model again = dlrt::Model::open(DLRT_TEST_MLP);
  again.init(1);
  for (int i = 0; i < 21; ++i)
    batch.step(again);
  EXPECT_EQ(values(again, "a.weight"), values(m, "a.weight"));
}

TEST(Training, ArgumentsAreChecked) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_MLP);
  Batch batch;
  const void *in[] = {batch.images.data()};
  const void *none[] = {nullptr};
  float loss = 0;
  EXPECT_EQ(dlrt_model_train_step(nullptr, 1, in, in, 0.1f, &loss),
            DLRT_ERROR_ARGUMENT);
  dlrt_model *raw = nullptr;
  ASSERT_EQ(dlrt_model_open(DLRT_TEST_MLP, nullptr, &raw), DLRT_OK);
  EXPECT_EQ(dlrt_model_train_step(raw, 0, in, in, 0.1f, &loss),
            DLRT_ERROR_ARGUMENT);
  EXPECT_EQ(dlrt_model_train_step(raw, 1, in, none, 0.1f, &loss),
            DLRT_ERROR_ARGUMENT);
  EXPECT_TRUE(contains(dlrt_last_error(), "target 'digit' is NULL"))
      << dlrt_last_error();
  EXPECT_EQ(dlrt_model_step(raw), 0);
  dlrt_model_destroy(raw);
  // A network without a loss has no train step.
  dlrt::Model opmix = dlrt::Model::open(DLRT_TEST_OPMIX);
  EXPECT_EQ(opmix.descriptor().train_step, nullptr);
  try {
    opmix.trainStep(1, {batch.images.data()}, {}, 0.1f);
    FAIL() << "opmix trained";
  } catch (const dlrt::Error &e) {
    EXPECT_EQ(e.status, DLRT_ERROR_MODEL);
    EXPECT_TRUE(contains(e.what(), "cannot train")) << e.what();
  }
}

// Forward reads batchnorm folded into the convolutions (prepared tensors):
// after a step it must see the new weights and running statistics.
TEST(Training, ForwardAfterAStepUsesTheNewParameters) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_RESNET);
  ASSERT_GT(m.descriptor().num_prepared, 0);
  m.init(2);
  std::vector<float> x(2 * 3 * 32 * 32);
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  for (float &v : x)
    v = normal(rng);
  std::vector<int32_t> labels = {1, 7};
  std::vector<std::vector<float>> before = m.forward(2, {x.data()});
  m.trainStep(2, {x.data()}, {labels.data()}, 0.1f);
  std::vector<std::vector<float>> after = m.forward(2, {x.data()});
  EXPECT_NE(after, before);
  std::string path = temp("stepped.safetensors");
  m.save(path);
  dlrt::Model fresh = dlrt::Model::open(DLRT_TEST_RESNET);
  fresh.load(path);
  EXPECT_EQ(fresh.forward(2, {x.data()}), after);
}

TEST(Training, CheckpointsRestoreEverything) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_MLP);
  m.init(4);
  Batch batch;
  for (int i = 0; i < 3; ++i)
    batch.step(m);
  m.setMetadata("epoch", "3");
  std::string path = temp("train.ckpt");
  m.saveCheckpoint(path);
  EXPECT_TRUE(slurp(path + ".tmp." + std::to_string(getpid())).empty());

  dlrt::Model resumed = dlrt::Model::open(DLRT_TEST_MLP);
  resumed.loadCheckpoint(path);
  EXPECT_EQ(resumed.step(), 3);
  EXPECT_EQ(resumed.seed(), 4u);
  EXPECT_EQ(resumed.metadata("epoch"), "3");
  EXPECT_EQ(values(resumed, "c.bias"), values(m, "c.bias"));
  // The momentum buffers came back too: the next steps agree exactly.
  batch.step(m);
  batch.step(resumed);
  EXPECT_EQ(values(resumed, "a.weight"), values(m, "a.weight"));

  // A weights file loads as weights (its optimizer state is not needed) and
  // a checkpoint's weights load alone; a weights file is not a checkpoint.
  dlrt::Model weights = dlrt::Model::open(DLRT_TEST_MLP);
  weights.load(path);
  std::string plain = temp("plain.safetensors");
  weights.save(plain);
  int64_t step = resumed.step();
  std::vector<float> kept = values(resumed, "a.weight");
  try {
    resumed.loadCheckpoint(plain);
    FAIL() << "a weights file loaded as a checkpoint";
  } catch (const dlrt::Error &e) {
    EXPECT_TRUE(contains(e.what(), "optimizer.a.weight.momentum_buffer"))
        << e.what();
  }
  std::string bytes = slurp(path);
  std::string truncated = temp("truncated.ckpt");
  spit(truncated, bytes.substr(0, bytes.size() - 10));
  EXPECT_THROW(resumed.loadCheckpoint(truncated), dlrt::Error);
  EXPECT_EQ(resumed.step(), step);
  EXPECT_EQ(values(resumed, "a.weight"), kept);
}

TEST(Training, InitStartsAfresh) {
  dlrt::Model m = dlrt::Model::open(DLRT_TEST_MLP);
  m.init(9);
  std::vector<float> fresh = values(m, "b.weight");
  Batch batch;
  batch.step(m);
  m.init(9);
  EXPECT_EQ(m.step(), 0);
  EXPECT_EQ(m.seed(), 9u);
  EXPECT_EQ(values(m, "b.weight"), fresh);
  // The momentum buffer is zero again: the first step repeats exactly.
  float a = batch.step(m);
  dlrt::Model other = dlrt::Model::open(DLRT_TEST_MLP);
  other.init(9);
  EXPECT_EQ(batch.step(other), a);
  EXPECT_EQ(values(other, "b.weight"), values(m, "b.weight"));
}

} // namespace
