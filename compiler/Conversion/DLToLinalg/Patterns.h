//===- Patterns.h - dl -> linalg patterns and their helpers -----*- C++ -*-===//

#ifndef DLC_CONVERSION_DLTOLINALG_PATTERNS_H
#define DLC_CONVERSION_DLTOLINALG_PATTERNS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace dlc {

/// Convolutions, transposed convolutions, dense layers, batchnorm.
void populateLayerPatterns(mlir::RewritePatternSet &patterns);
/// Activations, arithmetic, dropout, softmax.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
/// Pooling, flatten, concat.
void populateShapePatterns(mlir::RewritePatternSet &patterns);

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
/// Reduces `x` along `axis` with `combine`, starting from `init`; the result
/// drops that dimension.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   int64_t axis, double init, ScalarFn combine);

} // namespace dlc

#endif // DLC_CONVERSION_DLTOLINALG_PATTERNS_H
