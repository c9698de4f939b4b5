//===- BuiltinsTest.cpp - Every built-in compiles and is documented -------===//
//
// The built-in table (Builtins.cpp) is what Sema accepts; MLIRGen must build
// each entry and docs/language.md must describe it. A new op that misses
// either fails here rather than in a user's hands.
//
//===----------------------------------------------------------------------===//

#include "CompileNet.h"

#include "compiler/Frontend/Builtins.h"

#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

using namespace dlc;

namespace {

/// A network that calls `op` once, with the example call of its table entry.
std::string networkCalling(const BuiltinSpec &op) {
  std::string call =
      op.example.empty() ? (op.name + "(x)").str() : op.example.str();
  if (op.role == BuiltinSpec::Loss) {
    bool classes = op.name == "cross_entropy";
    return "network t {\n  input x: f32[N, 4, 8, 8]\n  target t: " +
           std::string(classes ? "i32[N, 8, 8]" : "f32[N, 4, 8, 8]") +
           "\n  output y = x\n  loss " + op.name.str() + "(y, t)\n}\n";
  }
  if (op.variadic)
    return "network t {\n  input a: f32[N, 4, 8, 8]\n  input b: f32[N, 4, 8, 8]"
           "\n  output y = " +
           call + "\n}\n";
  std::string shape = op.name == "dense" ? "f32[N, 16]" : "f32[N, 4, 8, 8]";
  return "network t {\n  input x: " + shape + "\n  output y = " + call +
         "\n}\n";
}

TEST(Builtins, EveryOpCompiles) {
  for (llvm::StringRef name : allOpNames()) {
    const BuiltinSpec &op = *lookupOp(name);
    std::string text = networkCalling(op);
    dlc_test::Outcome o = dlc_test::compile(text);
    EXPECT_TRUE(o.compiled && o.errors == 0)
        << name.str() << ":\n"
        << text << o.firstError;
  }
}

TEST(Builtins, EveryOpAndOptimizerIsDocumented) {
  auto doc = llvm::MemoryBuffer::getFile(DLC_DOCS_DIR "/language.md");
  ASSERT_TRUE(doc) << DLC_DOCS_DIR "/language.md";
  llvm::StringRef text = (*doc)->getBuffer();
  std::vector<llvm::StringRef> names = allOpNames();
  for (llvm::StringRef name : allOptimizerNames())
    names.push_back(name);
  for (llvm::StringRef name : names)
    EXPECT_TRUE(text.contains(("`" + name + "`").str()) ||
                text.contains(("`" + name + "(").str()))
        << "docs/language.md does not describe '" << name.str() << "'";
}

} // namespace
