//===- PoolRows.h - Strided pooling, a row of outputs per vector -*- C++ -*-===//

#ifndef DLC_CODEGEN_CPU_POOLROWS_H
#define DLC_CODEGEN_CPU_POOLROWS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {
/// `use(j, v)` for each window column j in [0, `window`) of a row read with
/// column stride `stride`: v holds the `count` elements of `x` at `row`
/// (all but the last index) and columns `from` + j + stride * k. Each
/// run of `stride` columns is one contiguous read, `stride` * `count`
/// wide (masked past `width`), and a shuffle per column picks its lanes.
void forEachStridedColumn(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::ValueRange row, int64_t from, int64_t window,
                          int64_t stride, int64_t count, int64_t width,
                          llvm::function_ref<void(int64_t, mlir::Value)> use);

/// The result of `op`, a max or sum pooling with a column stride of 2 or
/// more, in vectors of up to `lanes` outputs along a row, each window
/// column picked out of a contiguous read by a shuffle; fails for other
/// ops and shapes (dynamic channels or sizes, dilation).
mlir::FailureOr<mlir::Value> vectorizePoolRows(mlir::RewriterBase &b,
                                               mlir::linalg::LinalgOp op,
                                               int64_t lanes);
} // namespace dlc

#endif // DLC_CODEGEN_CPU_POOLROWS_H
