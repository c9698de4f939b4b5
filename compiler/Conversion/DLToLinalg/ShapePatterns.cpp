//===- ShapePatterns.cpp - dl pooling and shape ops -> linalg / tensor ----===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"
#include "compiler/Dialect/DL/IR/DLOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace dlc;

namespace {

Value pool(OpBuilder &b, Location loc, Value input, RankedTensorType type,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
           ArrayRef<int64_t> padding, bool max) {
  double identity = max ? -std::numeric_limits<float>::infinity() : 0.0;
  Value padded = padSpatial(b, loc, input, padding, identity);
  Value init = filledTensor(b, loc, type, input, identity);
  Value window = b.create<tensor::EmptyOp>(loc, kernel, b.getF32Type());
  auto strides = b.getI64TensorAttr(stride);
  auto dilations = b.getI64TensorAttr({1, 1});
  if (max)
    return b
        .create<linalg::PoolingNchwMaxOp>(loc, TypeRange{type},
                                          ValueRange{padded, window}, init,
                                          strides, dilations)
        .getResult(0);
  return b
      .create<linalg::PoolingNchwSumOp>(loc, TypeRange{type},
                                        ValueRange{padded, window}, init,
                                        strides, dilations)
      .getResult(0);
}

Value divideBy(OpBuilder &b, Location loc, Value x, double divisor) {
  auto type = cast<RankedTensorType>(x.getType());
  return elementwise(b, loc, type, x,
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       return nb.create<arith::DivFOp>(
                                    l, a[0], f32Constant(nb, l, divisor))
                           .getResult();
                     });
}

struct MaxPoolLowering : OpConversionPattern<dl::MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::MaxPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    b.replaceOp(op, pool(b, op.getLoc(), adaptor.getInput(), op.getType(),
                         op.getKernel(), op.getStride(), op.getPadding(), true));
    return success();
  }
};

/// PyTorch's default count_include_pad=True: always divide by the window.
struct AvgPoolLowering : OpConversionPattern<dl::AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::AvgPool2DOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Value sum = pool(b, op.getLoc(), adaptor.getInput(), op.getType(),
                     op.getKernel(), op.getStride(), op.getPadding(), false);
    ArrayRef<int64_t> k = op.getKernel();
    b.replaceOp(op, divideBy(b, op.getLoc(), sum, double(k[0] * k[1])));
    return success();
  }
};

struct GlobalAvgPoolLowering : OpConversionPattern<dl::GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::GlobalAvgPoolOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    auto add = [](OpBuilder &nb, Location l, ValueRange a) {
      return nb.create<arith::AddFOp>(l, a[0], a[1]).getResult();
    };
    Value sum = reduce(b, loc, reduce(b, loc, x, 3, 0.0, add), 2, 0.0, add);
    Value mean = divideBy(b, loc, sum,
                          double(type.getDimSize(2) * type.getDimSize(3)));
    SmallVector<ReassociationIndices> unit = {{0}, {1, 2, 3}};
    b.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, op.getType(), mean, unit);
    return success();
  }
};

struct FlattenLowering : OpConversionPattern<dl::FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::FlattenOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    int64_t rank = op.getInput().getType().getRank();
    ReassociationIndices rest;
    for (int64_t i = 1; i < rank; ++i)
      rest.push_back(i);
    SmallVector<ReassociationIndices> groups = {{0}, rest};
    b.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, op.getType(),
                                                  adaptor.getInput(), groups);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<dl::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(dl::ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    ValueRange inputs = adaptor.getInputs();
    int64_t axis = op.getAxis();
    Value result = emptyTensor(b, loc, op.getType(), inputs.front());
    int64_t offset = 0;
    for (Value input : inputs) {
      auto type = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
      offsets[axis] = b.getIndexAttr(offset);
      SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
      result = b.create<tensor::InsertSliceOp>(
          loc, input, result, offsets, tensor::getMixedSizes(b, loc, input),
          strides);
      offset += type.getDimSize(axis);
    }
    b.replaceOp(op, result);
    return success();
  }
};

} // namespace

void dlc::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering,
               FlattenLowering, ConcatLowering>(patterns.getContext());
}
