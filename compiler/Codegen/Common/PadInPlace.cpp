//===- PadInPlace.cpp - Layers write straight into the next one's padding -===//
//
//   %r = linalg.generic ... outs(%empty)          // a layer's result
//   %p = linalg.fill ins(%zero) outs(%empty2)     // the next conv's input
//   %x = tensor.insert_slice %r into %p[0, 0, 1, 1]
// becomes
//   %p = linalg.fill ins(%zero) outs(bufferization.alloc_tensor())
//   %s = tensor.extract_slice %p[0, 0, 1, 1]
//   %r = linalg.generic ... outs(%s)
//   %x = tensor.insert_slice %r into %p[0, 0, 1, 1]
// so that after bufferisation the layer writes its result into the
// interior of the padded buffer and the insert_slice is a no-op: no padded
// copy. The layer's chain of destinations (tile loops, fused producers) is
// followed back to the tensor.empty it started from; only that use of the
// empty is replaced (the empty may be shared after CSE).
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Common/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace dlc {
#define GEN_PASS_DEF_PADINPLACE
#include "compiler/Codegen/Common/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// The use of a tensor.empty that `value` was computed into, following
/// destinations (results tied to inits, loops' results to their inits).
OpOperand *emptyDestination(Value value) {
  OpOperand *use = nullptr;
  while (auto result = dyn_cast<OpResult>(value)) {
    Operation *op = result.getOwner();
    if (isa<tensor::EmptyOp>(op))
      return use;
    if (auto forall = dyn_cast<scf::ForallOp>(op))
      use = forall.getTiedOpOperand(result);
    else if (auto loop = dyn_cast<LoopLikeOpInterface>(op))
      use = loop.getTiedLoopInit(result);
    else if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
      use = dps.getTiedOpOperand(result);
    else
      return nullptr;
    if (!use)
      return nullptr;
    value = use->get();
  }
  return nullptr;
}

struct PadInPlace : dlc::impl::PadInPlaceBase<PadInPlace> {
  void runOnOperation() override {
    SmallVector<tensor::InsertSliceOp> inserts;
    getOperation().walk([&](tensor::InsertSliceOp op) {
      auto fill = op.getDest().getDefiningOp<linalg::FillOp>();
      if (fill && fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>())
        inserts.push_back(op);
    });
    DominanceInfo dominance(getOperation());
    IRRewriter b(&getContext());
    for (tensor::InsertSliceOp insert : inserts) {
      OpOperand *use = emptyDestination(insert.getSource());
      if (!use)
        continue;
      // The padded buffer is made where the layer starts writing.
      Operation *start = use->getOwner();
      auto fill = insert.getDest().getDefiningOp<linalg::FillOp>();
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      auto dominates = [&](Value v) {
        return dominance.properlyDominates(v, start);
      };
      if (!llvm::all_of(empty->getOperands(), dominates) ||
          !llvm::all_of(fill.getInputs(), dominates) ||
          !llvm::all_of(insert.getOffsets(), dominates) ||
          !llvm::all_of(insert.getSizes(), dominates) ||
          !llvm::all_of(insert.getStrides(), dominates))
        continue;
      b.setInsertionPoint(start);
      // A fresh buffer, which CSE does not merge with other paddings.
      IRMapping fresh;
      fresh.map(empty.getResult(),
                b.create<bufferization::AllocTensorOp>(
                    empty.getLoc(), empty.getType(), empty.getDynamicSizes()));
      Operation *padded = b.clone(*fill, fresh);
      Value interior = b.create<tensor::ExtractSliceOp>(
          insert.getLoc(), insert.getSourceType(), padded->getResult(0),
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
      b.modifyOpInPlace(start, [&] { use->set(interior); });
      b.modifyOpInPlace(insert, [&] {
        insert.getDestMutable().set(padded->getResult(0));
      });
      // Later readers of the result (a residual) read it inside the padded
      // tensor: bufferisation sees no write to memory they still read.
      b.setInsertionPointAfter(insert);
      Value inside = b.create<tensor::ExtractSliceOp>(
          insert.getLoc(), insert.getSourceType(), insert.getResult(),
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
      b.replaceUsesWithIf(insert.getSource(), inside, [&](OpOperand &use) {
        return dominance.properlyDominates(inside, use.getOwner());
      });
    }
  }
};

} // namespace
