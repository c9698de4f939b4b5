//===- ShapeChecks.h - Shape rules shared by the dl ops' checks -*- C++ -*-===//
//
// Private to the dialect: the language ops (DLOps.cpp) and their backward
// ops (DLTrainOps.cpp) check the same shapes with the same messages.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_DIALECT_DL_IR_SHAPECHECKS_H
#define DLC_DIALECT_DL_IR_SHAPECHECKS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mlir::dl::shapes {

/// Shape checks that report through the optional location of inference.
struct ShapeChecker {
  std::optional<Location> loc;

  LogicalResult fail(const Twine &msg) const {
    return emitOptionalError(loc, msg);
  }
  LogicalResult rank(Value v, int64_t rank, StringRef what,
                     StringRef layout) const {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getRank() == rank)
      return success();
    return emitOptionalError(loc, "expects a rank-", rank, " ", what, " ",
                             layout, ", got ", type);
  }
  LogicalResult dimsMatch(int64_t a, int64_t b, const Twine &msg) const {
    if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b)
      return success();
    return fail(msg);
  }
  /// Strides and dilations positive, padding non-negative, each of size 2.
  LogicalResult pair(ArrayRef<int64_t> v, StringRef what, int64_t min) const {
    if (v.size() != 2)
      return fail(Twine(what) + " must have two values (height, width)");
    if (v[0] < min || v[1] < min)
      return fail(Twine(what) + " must be >= " + Twine(min));
    return success();
  }
  /// A per-channel tensor [C] (bias, batchnorm statistics), when present.
  LogicalResult perChannel(Value v, int64_t channels, StringRef what) const {
    if (!v)
      return success();
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getRank() == 1 && type.getDimSize(0) == channels)
      return success();
    return emitOptionalError(loc, "expects ", what, " of shape [", channels,
                             "], got ", type);
  }
};

inline ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// A tensor of `shape` with `like`'s element type.
inline RankedTensorType tensorOf(Value like, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(
      shape, cast<RankedTensorType>(like.getType()).getElementType());
}

/// [N, C, H', W'] for a window over the last two dimensions of `in`, or
/// failure when it does not fit.
FailureOr<RankedTensorType>
windowResult(const ShapeChecker &check, Value in, int64_t channels,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
             ArrayRef<int64_t> pad, ArrayRef<int64_t> dilation);

/// The result of convolving `input` with `weight` (conv2d's rule).
FailureOr<RankedTensorType> convResult(const ShapeChecker &check, Value input,
                                       Value weight, ArrayRef<int64_t> stride,
                                       ArrayRef<int64_t> padding,
                                       ArrayRef<int64_t> dilation,
                                       int64_t groups);

/// The result of max or average pooling `input`.
FailureOr<RankedTensorType> poolResult(const ShapeChecker &check, Value input,
                                       ArrayRef<int64_t> kernel,
                                       ArrayRef<int64_t> stride,
                                       ArrayRef<int64_t> padding);

/// Logits [N, K] with targets [N], or [N, K, H, W] with [N, H, W].
LogicalResult checkCrossEntropy(std::optional<Location> loc, Value input,
                                Value target);

/// A prediction and a target of the same type (mse, l1, bce, dice).
LogicalResult checkPairLoss(std::optional<Location> loc, Value input,
                            Value target);

} // namespace mlir::dl::shapes

#endif // DLC_DIALECT_DL_IR_SHAPECHECKS_H
