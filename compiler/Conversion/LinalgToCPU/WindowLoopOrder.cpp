//===- WindowLoopOrder.cpp - Spatial loops innermost for conv and pool ----===//

#include "compiler/Conversion/LinalgToCPU/Im2Col.h"
#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
#define GEN_PASS_DEF_WINDOWLOOPORDER
#include "compiler/Conversion/Passes.h.inc"
} // namespace dlc

using namespace mlir;

namespace {

/// Ops that slide a window over [N, C, H, W]: the last two parallel loops
/// are the output's rows and columns.
bool slidesWindow(linalg::LinalgOp op) {
  return isa<linalg::Conv2DNchwFchwOp, linalg::Conv2DNgchwGfchwOp,
             linalg::PoolingNchwMaxOp, linalg::PoolingNchwSumOp>(op);
}

/// Rows shorter than this leave the direct order too little to vectorise.
constexpr int64_t kShortRow = 32;

struct WindowLoopOrder : dlc::impl::WindowLoopOrderBase<WindowLoopOrder> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (slidesWindow(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation());
      int64_t row = cast<ShapedType>(op->getResult(0).getType()).getDimSize(3);
      if (conv && row < kShortRow) {
        FailureOr<Value> result = dlc::convolveByIm2Col(rewriter, conv);
        if (succeeded(result)) {
          rewriter.replaceOp(conv, *result);
          continue;
        }
      }
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        return signalPassFailure();
      // (parallel..., oh, ow, reductions...) -> (parallel..., reductions..., oh, ow)
      SmallVector<unsigned> parallel, reduction;
      for (auto [i, type] : llvm::enumerate(generic->getIteratorTypesArray()))
        (type == utils::IteratorType::parallel ? parallel : reduction)
            .push_back(i);
      SmallVector<unsigned> order(parallel.begin(), parallel.end() - 2);
      order.append(reduction.begin(), reduction.end());
      order.append(parallel.end() - 2, parallel.end());
      if (failed(linalg::interchangeGenericOp(rewriter, *generic, order)))
        return signalPassFailure();
    }
  }
};

} // namespace
