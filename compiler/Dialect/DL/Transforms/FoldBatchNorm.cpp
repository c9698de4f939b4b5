//===- FoldBatchNorm.cpp - Inference batchnorm into the layer before it ---===//
//
//   %c = dl.conv2d %x, %w, %b
//   %y = dl.batchnorm %c, %gamma, %beta, %mean, %var      // inference
// becomes
//   %w2, %b2 = dl.fold_batchnorm %w, %b, %gamma, %beta, %mean, %var
//   %y = dl.conv2d %x, %w2, %b2
// The folded weights depend on parameters only: dl-outline-prepare moves
// them out of @forward, so they are computed once per parameter change.
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

/// Replaces `bn` by `layer` computed with folded weights; `layer` is a
/// conv2d or dense (weight [F, ...], bias [F]) that only `bn` reads.
template <typename Layer>
void fold(RewriterBase &b, Layer layer, BatchNormOp bn) {
  b.setInsertionPoint(layer);
  auto folded = b.create<FoldBatchNormOp>(
      bn.getLoc(), layer.getWeight(), layer.getBias(), bn.getWeight(),
      bn.getBias(), bn.getRunningMean(), bn.getRunningVar(), bn.getEpsAttr());
  b.modifyOpInPlace(layer, [&] {
    layer.getWeightMutable().assign(folded.getFoldedWeight());
    layer.getBiasMutable().assign(folded.getFoldedBias());
  });
  b.replaceOp(bn, layer->getResults());
}

struct FoldBatchNorm : dl::impl::FoldBatchNormBase<FoldBatchNorm> {
  void runOnOperation() override {
    IRRewriter b(&getContext());
    getOperation().walk([&](BatchNormOp bn) {
      Value input = bn.getInput();
      if (bn.getTraining() || !input.hasOneUse())
        return;
      if (auto conv = input.getDefiningOp<Conv2DOp>())
        fold(b, conv, bn);
      else if (auto dense = input.getDefiningOp<DenseOp>())
        fold(b, dense, bn);
    });
  }
};

} // namespace
