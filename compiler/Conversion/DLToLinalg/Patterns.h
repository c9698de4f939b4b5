//===- Patterns.h - dl -> linalg patterns and their helpers -----*- C++ -*-===//

#ifndef DLC_CONVERSION_DLTOLINALG_PATTERNS_H
#define DLC_CONVERSION_DLTOLINALG_PATTERNS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {

/// Convolutions, transposed convolutions, dense layers, batchnorm.
void populateLayerPatterns(mlir::RewritePatternSet &patterns);
/// Activations, arithmetic, dropout, softmax.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
/// Pooling, flatten, concat.
void populateShapePatterns(mlir::RewritePatternSet &patterns);
/// Losses and their gradients.
void populateLossPatterns(mlir::RewritePatternSet &patterns);
/// The backward of layers, activations, pooling and shape ops.
void populateGradientPatterns(mlir::RewritePatternSet &patterns);
/// Batch statistics, dropout masks and optimizer updates.
void populateTrainingPatterns(mlir::RewritePatternSet &patterns);

/// tensor.empty of `type` whose dynamic dimensions (the batch) are read
/// from the same dimensions of `like`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::Value like);
/// A tensor of `type` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value like,
                         double value);
/// Pads dimensions 2 and 3 by pad[0] and pad[1] on both sides.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       llvm::ArrayRef<int64_t> pad, double value);
/// x [N, C, H, W] spread into zeros of spatial size `size`: x[h, w] lands
/// at [offset + h*stride, ...] (transposed convolutions and a convolution's
/// input gradient).
mlir::Value spreadSpatial(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value x, llvm::ArrayRef<int64_t> stride,
                          llvm::ArrayRef<int64_t> offset,
                          llvm::ArrayRef<int64_t> size);
/// x [N, C, H, W] at rows [start[0], start[0] + size[0]) and columns
/// likewise, zero beyond x's edges.
mlir::Value windowSpatial(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value x, llvm::ArrayRef<int64_t> start,
                          llvm::ArrayRef<int64_t> size);
/// `init` with bias[c] written at every position of dimension 1.
mlir::Value broadcastChannels(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value bias, mlir::Value init);
/// A parallel linalg.generic over `type`'s shape; inputs of rank 0 or 1
/// broadcast (rank 1 along dimension 1, the channels).
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::ValueRange inputs,
                        ScalarFn fn);
/// An f32 constant.
mlir::Value f32Constant(mlir::OpBuilder &b, mlir::Location loc, double v);
/// f32 arithmetic at one place, spelled short: Arith{b, loc}.mul(x, y).
struct Arith {
  mlir::OpBuilder &b;
  mlir::Location l;
  mlir::Value c(double v) { return f32Constant(b, l, v); }
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value sqrt(mlir::Value x);
};
/// Reduces `x` along `axis` with `combine`, starting from `init`; the result
/// drops that dimension.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   int64_t axis, double init, ScalarFn combine);

/// fn(x, r) where r was reduced from x along `axis`, broadcast back.
mlir::Value withReduced(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value r, int64_t axis, ScalarFn fn);
/// A linalg.generic; `fn` gets every block argument (inputs, then outputs)
/// and returns the values to yield. Returns result number `result`.
using BodyFn = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
mlir::Value generic(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> maps,
                    mlir::ValueRange inits,
                    llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                    BodyFn fn, unsigned result = 0);
/// `into` with into[i...] = x[read(i...)]: a copy that gathers (a flipped
/// kernel, im2col's patches, a transpose).
mlir::Value gather(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   mlir::AffineMap read, mlir::Value into);
/// Like `elementwise` with `count` results of `type`; `fn` gets the
/// inputs' elements and returns `count` values.
llvm::SmallVector<mlir::Value>
elementwiseResults(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::RankedTensorType type, mlir::ValueRange inputs,
                   unsigned count, BodyFn fn);
/// The sum of fn(inputs' elements) over every dimension of the first input
/// not in `kept`; other inputs have its rank or broadcast as in
/// `elementwise`. The result has the kept dimensions.
mlir::Value sumOver(mlir::OpBuilder &b, mlir::Location loc,
                    mlir::ValueRange inputs, llvm::ArrayRef<int64_t> kept,
                    ScalarFn fn);
/// The number of elements of `x` in dimensions `dims`, as an f32.
mlir::Value countOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<int64_t> dims);
/// The number of values per channel of `x` (every dimension but 1), as an
/// f32: batchnorm's n.
mlir::Value perChannelCount(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x);
/// The element of a rank-0 tensor.
mlir::Value scalarOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value t);

} // namespace dlc

#endif // DLC_CONVERSION_DLTOLINALG_PATTERNS_H
