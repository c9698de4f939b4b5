//===- RuntimeRobustnessTest.cpp - Damaged files never crash the runtime --===//
//
// Truncates and corrupts real files of every format the runtime reads
// (safetensors, .npy, .npz, the model .so's ELF tables) and checks that
// each read either succeeds or fails with a status and a message: never a
// crash, never a silent failure.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"
#include "dlrt/dlrt.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <elf.h>

#include <random>

namespace {

using dlc_test::slurp;
using dlc_test::spit;
using dlc_test::temp;

/// Truncations at many lengths, then random byte and bit damage.
std::vector<std::string> damaged(const std::string &good, unsigned seed) {
  std::vector<std::string> out;
  size_t step = std::max<size_t>(1, good.size() / 97);
  for (size_t n = 0; n < good.size(); n += step)
    out.push_back(good.substr(0, n));
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = good;
    // Headers hold the lengths and offsets: damage them most.
    size_t span = std::min<size_t>(bad.size(), trial % 2 ? 512 : bad.size());
    for (int k = 0; k < 1 + trial % 4; ++k) {
      size_t at = rng() % span;
      bad[at] = trial % 3 ? char(rng()) : char(bad[at] ^ (1 << (rng() % 8)));
    }
    out.push_back(bad);
  }
  return out;
}

/// Either success, or a failure with a message.
void expectHandled(dlrt_status status, const std::string &what) {
  if (status != DLRT_OK) {
    EXPECT_STRNE(dlrt_last_error(), "") << what;
  }
}

TEST(RuntimeRobustness, DamagedSafetensors) {
  dlrt::Model model = dlrt::Model::open(DLRT_TEST_OPMIX);
  std::string good = temp("fuzz_good.safetensors");
  model.save(good);
  dlrt_model *raw = nullptr;
  ASSERT_EQ(dlrt_model_open(DLRT_TEST_OPMIX, nullptr, &raw), DLRT_OK);
  std::string path = temp("fuzz_bad.safetensors");
  for (const std::string &bytes : damaged(slurp(good), 1)) {
    spit(path, bytes);
    expectHandled(dlrt_model_load(raw, path.c_str()), "safetensors");
  }
  dlrt_model_destroy(raw);
}

TEST(RuntimeRobustness, DamagedArrays) {
  std::vector<float> values(2 * 3 * 4, 1.5f);
  dlrt_array arrays[2] = {};
  for (int i = 0; i < 2; ++i) {
    arrays[i].name = const_cast<char *>(i ? "b" : "a");
    arrays[i].dtype = DLC_F32;
    arrays[i].rank = 3;
    arrays[i].shape[0] = 2;
    arrays[i].shape[1] = 3;
    arrays[i].shape[2] = 4;
    arrays[i].data = values.data();
  }
  std::string npz = temp("fuzz_good.npz");
  ASSERT_EQ(dlrt_npz_write(npz.c_str(), arrays, 2), DLRT_OK);
  std::string path = temp("fuzz_bad.npz");
  for (const std::string &bytes : damaged(slurp(npz), 2)) {
    spit(path, bytes);
    dlrt_array *out = nullptr;
    size_t count = 0;
    dlrt_status status = dlrt_npz_read(path.c_str(), &out, &count);
    expectHandled(status, "npz");
    dlrt_arrays_free(out, count);
  }
  // The first member of the archive is a whole .npy image.
  std::string image = slurp(npz).substr(30 + 5, 128 + 96);
  std::string npy = temp("fuzz_bad.npy");
  for (const std::string &bytes : damaged(image, 3)) {
    spit(npy, bytes);
    dlrt_array *out = nullptr;
    dlrt_status status = dlrt_npy_read(npy.c_str(), &out);
    expectHandled(status, "npy");
    dlrt_arrays_free(out, out ? 1 : 0);
  }
}

TEST(RuntimeRobustness, DamagedLibraries) {
  // Truncation and the tables the runtime checks (the ELF header, the
  // section headers at the end). Damage inside the mapped code and data is
  // out of reach: a library is code, and dlopen runs it.
  std::string good = slurp(DLRT_TEST_MLP);
  std::string path = temp("fuzz_bad.so");
  std::mt19937 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = good;
    if (trial < 50) {
      bad.resize(rng() % std::min<size_t>(good.size(), 8192));
    } else {
      // The ELF header (64 bytes) or the section header table.
      Elf64_Ehdr header;
      std::memcpy(&header, good.data(), sizeof header);
      size_t table = size_t(header.e_shnum) * header.e_shentsize;
      size_t at = trial % 2 ? rng() % sizeof header
                            : header.e_shoff + rng() % table;
      bad[at] = char(rng());
    }
    spit(path, bad);
    dlrt_model *model = nullptr;
    dlrt_status status = dlrt_model_open(path.c_str(), nullptr, &model);
    expectHandled(status, "so");
    dlrt_model_destroy(model);
  }
}

} // namespace
