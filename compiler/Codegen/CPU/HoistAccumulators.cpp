//===- HoistAccumulators.cpp - Vector accumulators out of k loops ---------===//
//
// A register block reads its accumulator tile, adds to it and writes it
// back in every step of its reduction loops. When the tile's view and
// indices do not change in a loop, the view has no other use there and
// nothing else in the loop writes memory, the read moves before the loop,
// the write after it, and the tile is carried as a vector iter_arg: it
// stays in registers. Repeated until no loop changes, so the tile leaves
// every reduction loop (c, kh, kw) at once. (linalg's
// hoistRedundantVectorTransfers does the same for simpler views only.)
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace dlc {
#define GEN_PASS_DEF_HOISTACCUMULATORS
#include "compiler/Codegen/CPU/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// True when the only op in `loop` that writes memory is `write`.
bool onlyWriter(scf::ForOp loop, Operation *write) {
  WalkResult result = loop.getBody()->walk([&](Operation *op) {
    // Loops and other region ops: their bodies are walked too.
    if (op == write || isMemoryEffectFree(op) ||
        op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects || effects.hasEffect<MemoryEffects::Write>() ||
        effects.hasEffect<MemoryEffects::Free>())
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// The write that stores back what `read` loaded, if the pair can move out.
vector::TransferWriteOp hoistablePartner(scf::ForOp loop,
                                         vector::TransferReadOp read) {
  Value view = read.getSource();
  if (!isa<MemRefType>(view.getType()) || !loop.isDefinedOutsideOfLoop(view) ||
      !llvm::all_of(read.getIndices(), [&](Value index) {
        return loop.isDefinedOutsideOfLoop(index);
      }))
    return {};
  vector::TransferWriteOp write;
  for (Operation *user : view.getUsers()) {
    if (user == read.getOperation() || !loop->isAncestor(user))
      continue;
    auto candidate = dyn_cast<vector::TransferWriteOp>(user);
    if (!candidate || write || candidate->getParentOp() != loop ||
        candidate.getIndices() != read.getIndices() ||
        candidate.getVectorType() != read.getVectorType() ||
        !read->isBeforeInBlock(candidate))
      return {};
    write = candidate;
  }
  if (!write || !onlyWriter(loop, write))
    return {};
  return write;
}

struct HoistAccumulators : dlc::impl::HoistAccumulatorsBase<HoistAccumulators> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    bool changed = true;
    while (changed) {
      changed = false;
      getOperation().walk([&](scf::ForOp loop) {
        for (auto read : loop.getBody()->getOps<vector::TransferReadOp>()) {
          vector::TransferWriteOp write = hoistablePartner(loop, read);
          if (!write)
            continue;
          rewriter.moveOpBefore(read, loop);
          rewriter.moveOpAfter(write, loop);
          FailureOr<LoopLikeOpInterface> carried =
              loop.replaceWithAdditionalYields(
                  rewriter, read.getResult(),
                  /*replaceInitOperandUsesInLoop=*/true,
                  [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                    return SmallVector<Value>{write.getVector()};
                  });
          if (failed(carried))
            return signalPassFailure(), WalkResult::interrupt();
          write.getVectorMutable().assign(carried->getLoopResults()->back());
          changed = true;
          return WalkResult::interrupt(); // the walk saw the old loop
        }
        return WalkResult::advance();
      });
    }
  }
};

} // namespace
