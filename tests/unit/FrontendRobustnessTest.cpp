//===- FrontendRobustnessTest.cpp - No input crashes or hangs dlc ---------===//
//
// Feeds the frontend damaged versions of every bundled model (truncated,
// bytes replaced) and pathological inputs (deep nesting, long chains,
// exponential block expansion, absurd sizes). Each must either compile or
// report at least one error; a crash or a hang fails the test binary.
//
//===----------------------------------------------------------------------===//

#include "CompileNet.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>

using namespace dlc;
using namespace dlc_test;

namespace {

/// Compiled, or failed with a message: never a silent failure.
void expectHandled(llvm::StringRef text, const std::string &what) {
  Outcome o = compile(text);
  EXPECT_TRUE(o.compiled || o.errors > 0) << what;
  EXPECT_FALSE(o.compiled && o.errors > 0) << what << ": " << o.firstError;
}

std::vector<std::string> modelTexts() {
  std::vector<std::string> texts;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(DLC_MODELS_DIR, ec), end;
       it != end && !ec; it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".net")
      continue;
    auto buffer = llvm::MemoryBuffer::getFile(it->path());
    if (buffer)
      texts.push_back((*buffer)->getBuffer().str());
  }
  return texts;
}

TEST(FrontendRobustness, BundledModelsCompile) {
  std::vector<std::string> texts = modelTexts();
  ASSERT_GE(texts.size(), 9u);
  for (const std::string &text : texts) {
    Outcome o = compile(text);
    EXPECT_TRUE(o.compiled) << o.firstError;
  }
}

TEST(FrontendRobustness, TruncatedModels) {
  for (const std::string &text : modelTexts()) {
    size_t step = std::max<size_t>(1, text.size() / 150);
    for (size_t n = 0; n < text.size(); n += step)
      expectHandled(llvm::StringRef(text).take_front(n),
                    "truncated to " + std::to_string(n) + " bytes");
  }
}

TEST(FrontendRobustness, CorruptedModels) {
  std::mt19937 rng(1234);
  const char alphabet[] = "(){}[],:=|>+-*#\"\n 0123456789.eNxyz_\x01\xff";
  for (const std::string &text : modelTexts()) {
    for (int trial = 0; trial < 150; ++trial) {
      std::string damaged = text;
      for (int k = 0; k < 3; ++k)
        damaged[rng() % damaged.size()] = alphabet[rng() % (sizeof alphabet - 1)];
      expectHandled(damaged, "corrupted model, trial " + std::to_string(trial));
    }
  }
}

TEST(FrontendRobustness, EmptyAndGarbage) {
  EXPECT_EQ(compile("").errors, 1);
  EXPECT_EQ(compile("\n\n# only a comment\n").errors, 1);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes(1 + rng() % 400, '\0');
    for (char &c : bytes)
      c = static_cast<char>(rng());
    EXPECT_GT(compile(bytes).errors, 0);
  }
}

std::string network(const std::string &body) {
  return "network n {\n  input x: f32[N, 4]\n" + body + "\n}\n";
}

TEST(FrontendRobustness, DeepNestingIsAnError) {
  std::string deep = std::string(100000, '(') + "x" + std::string(100000, ')');
  Outcome o = compile(network("  output y = relu" + deep));
  EXPECT_NE(o.firstError.find("nested too deeply"), std::string::npos)
      << o.firstError;
  std::string minus(100000, '-');
  EXPECT_GT(compile(network("  output y = " + minus + "x")).errors, 0);
}

TEST(FrontendRobustness, LongChainsAreAnError) {
  std::string chain = "x";
  for (int i = 0; i < 20000; ++i)
    chain += " |> relu";
  Outcome o = compile(network("  output y = " + chain));
  EXPECT_NE(o.firstError.find("too long"), std::string::npos) << o.firstError;
  std::string sum = "x";
  for (int i = 0; i < 20000; ++i)
    sum += " + x";
  EXPECT_GT(compile(network("  output y = " + sum)).errors, 0);
}

TEST(FrontendRobustness, ManyStatementsCompile) {
  std::string body;
  for (int i = 0; i < 5000; ++i)
    body += "  x" + std::to_string(i + 1) + " = relu(x" +
            (i ? std::to_string(i) : std::string()) + ")\n";
  body += "  output y = x5000";
  EXPECT_TRUE(compile(network(body)).compiled);
}

TEST(FrontendRobustness, ExponentialBlockExpansionStops) {
  // b30 expands to 2^30 relus: the op budget must stop it quickly.
  std::string text = "block b0(x) {\n  return relu(x)\n}\n";
  for (int i = 1; i <= 30; ++i)
    text += "block b" + std::to_string(i) + "(x) {\n  return b" +
            std::to_string(i - 1) + "(x) |> b" + std::to_string(i - 1) +
            "\n}\n";
  text += network("  output y = b30(x)");
  auto start = std::chrono::steady_clock::now();
  Outcome o = compile(text);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  EXPECT_NE(o.firstError.find("expands to more than"), std::string::npos)
      << o.firstError;
  EXPECT_LT(seconds, 30);
}

TEST(FrontendRobustness, DeepBlockChainsAreAnError) {
  std::string text = "block b0(x) {\n  return relu(x)\n}\n";
  for (int i = 1; i <= 5000; ++i)
    text += "block b" + std::to_string(i) + "(x) {\n  return b" +
            std::to_string(i - 1) + "(x)\n}\n";
  text += network("  output y = b5000(x)");
  Outcome o = compile(text);
  EXPECT_NE(o.firstError.find("levels deep"), std::string::npos)
      << o.firstError;
}

TEST(FrontendRobustness, AbsurdSizesAreErrors) {
  const char *bodies[] = {
      "  output y = dense(x, 99999999999)",
      "  output y = dense(x, 1e300)",
      "  output y = dense(x, 16000000) |> dense(16000000)",
      "  output y = dense(x, 3 * 99999999 * 99999999 * 99999999)",
  };
  for (const char *body : bodies)
    EXPECT_GT(compile(network(body)).errors, 0) << body;
  EXPECT_GT(compile("network n {\n  input x: f32[N, 99999999999]\n  output y "
                    "= relu(x)\n}\n")
                .errors,
            0);
  EXPECT_GT(compile("network n {\n  input x: f32[N, 1000000000, 1000000000, "
                    "1000000000]\n  output y = relu(x)\n}\n")
                .errors,
            0);
}

} // namespace
