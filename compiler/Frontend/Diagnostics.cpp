//===- Diagnostics.cpp - Source locations for frontend errors -------------===//

#include "compiler/Frontend/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace dlc;

SourceFile::SourceFile(llvm::SourceMgr &mgr, mlir::MLIRContext *ctx)
    : mgr(mgr), ctx(ctx), bufferId(mgr.getMainFileID()) {}

llvm::StringRef SourceFile::buffer() const {
  return mgr.getMemoryBuffer(bufferId)->getBuffer();
}

mlir::FileLineColLoc SourceFile::loc(llvm::SMLoc at) const {
  auto [line, col] = mgr.getLineAndColumn(at, bufferId);
  llvm::StringRef name = mgr.getMemoryBuffer(bufferId)->getBufferIdentifier();
  return mlir::FileLineColLoc::get(ctx, name, line, col);
}

std::string dlc::closestMatch(llvm::StringRef word,
                              llvm::ArrayRef<llvm::StringRef> candidates) {
  std::string best;
  // Up to two edits (a swap of neighbours is two), more for long words.
  unsigned bestDistance = std::max<unsigned>(2, word.size() / 3) + 1;
  for (llvm::StringRef c : candidates) {
    // `padding` for `pad`: a known name written out longer, or cut short.
    if (c.size() >= 3 && word.size() >= 3 &&
        (word.starts_with(c) || c.starts_with(word)))
      return c.str();
    unsigned d = word.edit_distance(c, true, bestDistance);
    if (d < bestDistance) {
      bestDistance = d;
      best = c.str();
    }
  }
  return best;
}

bool dlc::noteClosest(mlir::InFlightDiagnostic &diag, llvm::StringRef word,
                      llvm::ArrayRef<llvm::StringRef> candidates) {
  std::string guess = closestMatch(word, candidates);
  if (!guess.empty())
    diag.attachNote() << "did you mean '" << guess << "'?";
  return !guess.empty();
}
