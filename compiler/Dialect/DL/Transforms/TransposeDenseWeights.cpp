//===- TransposeDenseWeights.cpp - Dense layers on [K, F] weights ---------===//
//
//   %y = dl.dense %x, %w, %b              // w [F, K], PyTorch's layout
// becomes
//   %wt = dl.transpose %w                 // [K, F], once, in @prepare
//   %y = dl.matmul %x, %wt, %b
// so that a row of the result is a sum of rows of wt, each scaled by one
// input: vectors along the features, no sum across a vector's lanes (the
// packed-B form of MLAS's and oneDNN's matrix products). dl-outline-prepare
// moves the transpose out of @forward; @train_step is unchanged. Only for
// weights that stay in cache (the products of a small batch of a large
// weight are bound by reading it, which dot products do in order) and
// whole vectors of features (a thread's block of them stays static).
//
//===----------------------------------------------------------------------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/IR/FunctionNames.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dl {
#define GEN_PASS_DEF_TRANSPOSEDENSEWEIGHTS
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

struct TransposeDenseWeights
    : dl::impl::TransposeDenseWeightsBase<TransposeDenseWeights> {
  using TransposeDenseWeightsBase::TransposeDenseWeightsBase;

  void runOnOperation() override {
    auto forward = getOperation().lookupSymbol<func::FuncOp>(kForwardFunc);
    if (!forward || forward.isExternal())
      return;
    IRRewriter b(&getContext());
    forward.walk([&](DenseOp dense) {
      auto w = cast<RankedTensorType>(dense.getWeight().getType());
      // Whole vectors of features, and a weight that stays in cache: a
      // larger one streams from memory, in order along its rows as dot
      // products read it.
      if (!w.hasStaticShape() || w.getDimSize(0) % 16 != 0 ||
          w.getNumElements() > maxElements)
        return;
      b.setInsertionPoint(dense);
      Value wt = b.create<TransposeOp>(dense.getLoc(), dense.getWeight());
      b.replaceOpWithNewOp<MatmulOp>(dense, dense.getInput(), wt,
                                     dense.getBias(), false);
    });
  }
};

} // namespace
