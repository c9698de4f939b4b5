//===- Diagnostics.h - Source locations for frontend errors -----*- C++ -*-===//

#ifndef DLC_FRONTEND_DIAGNOSTICS_H
#define DLC_FRONTEND_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <string>

namespace dlc {

/// Turns buffer positions into MLIR locations, so every frontend error goes
/// through MLIR's diagnostic engine (and its caret printer or verifier).
class SourceFile {
public:
  SourceFile(llvm::SourceMgr &mgr, mlir::MLIRContext *ctx);

  mlir::MLIRContext *getContext() const { return ctx; }
  llvm::StringRef buffer() const;
  mlir::FileLineColLoc loc(llvm::SMLoc at) const;
  mlir::InFlightDiagnostic error(llvm::SMLoc at, const llvm::Twine &msg) const {
    return mlir::emitError(loc(at), msg);
  }

private:
  llvm::SourceMgr &mgr;
  mlir::MLIRContext *ctx;
  unsigned bufferId;
};

/// The candidate closest to `word` by edit distance, or "" when none is close.
std::string closestMatch(llvm::StringRef word,
                         llvm::ArrayRef<llvm::StringRef> candidates);

/// Attaches "did you mean 'X'?" when a candidate is close to `word`;
/// returns whether it did.
bool noteClosest(mlir::InFlightDiagnostic &diag, llvm::StringRef word,
                 llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace dlc

#endif // DLC_FRONTEND_DIAGNOSTICS_H
