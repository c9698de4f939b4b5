//===- CompileNet.h - The frontend on a .net text, for tests ---*- C++ -*-===//

#ifndef DLC_TESTS_UNIT_COMPILENET_H
#define DLC_TESTS_UNIT_COMPILENET_H

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Frontend/MLIRGen.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>

namespace dlc_test {

/// Whether `text` compiled, and its errors.
struct Outcome {
  bool compiled = false;
  int errors = 0;
  std::string firstError;
};

inline Outcome compile(llvm::StringRef text, llvm::StringRef name = "") {
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::dl::DLDialect>();
  llvm::SourceMgr mgr;
  mgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "in.net"),
                         llvm::SMLoc());
  Outcome out;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error) {
      if (!out.errors++)
        out.firstError = d.str();
    }
    return mlir::success();
  });
  dlc::SourceFile file(mgr, &ctx);
  out.compiled = static_cast<bool>(dlc::compileNetFile(file, name));
  return out;
}

} // namespace dlc_test

#endif // DLC_TESTS_UNIT_COMPILENET_H
