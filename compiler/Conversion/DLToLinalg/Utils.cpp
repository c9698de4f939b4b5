//===- Utils.cpp - Helpers shared by the dl -> linalg patterns ------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value dlc::f32Constant(OpBuilder &b, Location loc, double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
}

Value dlc::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                       Value like) {
  SmallVector<Value> dynamic;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamic.push_back(b.create<tensor::DimOp>(loc, like, i));
  return b.create<tensor::EmptyOp>(loc, type, dynamic);
}

Value dlc::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        Value like, double value) {
  Value empty = emptyTensor(b, loc, type, like);
  return b.create<linalg::FillOp>(loc, f32Constant(b, loc, value), empty)
      .getResult(0);
}

// A filled tensor with the input inserted, rather than tensor.pad, whose
// bufferization in MLIR 19 reads its own result's sizes (a dominance error
// for a dynamic batch).
Value dlc::padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad,
                      double value) {
  if (pad[0] == 0 && pad[1] == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += 2 * pad[0];
  shape[3] += 2 * pad[1];
  Value padded = filledTensor(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x, value);
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(pad[0]),
                                       b.getIndexAttr(pad[1])};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  return b.create<tensor::InsertSliceOp>(loc, x, padded, offsets,
                                         tensor::getMixedSizes(b, loc, x),
                                         strides);
}

/// The map that reads an operand of `rank` inside a loop nest of `loops`:
/// identity, rank 0 (a scalar), or rank 1 along dimension 1 (channels).
static AffineMap broadcastMap(MLIRContext *ctx, int64_t loops, int64_t rank) {
  if (rank == loops)
    return AffineMap::getMultiDimIdentityMap(loops, ctx);
  if (rank == 0)
    return AffineMap::get(loops, 0, {}, ctx);
  return AffineMap::get(loops, 0, {getAffineDimExpr(1, ctx)}, ctx);
}

Value dlc::elementwise(OpBuilder &b, Location loc, RankedTensorType type,
                       ValueRange inputs, ScalarFn fn) {
  int64_t rank = type.getRank();
  Value like = inputs.front();
  for (Value v : inputs)
    if (cast<RankedTensorType>(v.getType()).getRank() == rank)
      like = v;
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(broadcastMap(b.getContext(), rank,
                                cast<RankedTensorType>(v.getType()).getRank()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = b.create<linalg::GenericOp>(
      loc, type, inputs, emptyTensor(b, loc, type, like), maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(nloc, fn(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

Value dlc::broadcastChannels(OpBuilder &b, Location loc, Value bias,
                             Value init) {
  auto type = cast<RankedTensorType>(init.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {broadcastMap(ctx, rank, 1),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, type, bias, init, maps, iterators,
          [](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(nloc, args[0]);
          })
      .getResult(0);
}

Value dlc::reduce(OpBuilder &b, Location loc, Value x, int64_t axis,
                  double init, ScalarFn combine) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> kept;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == axis)
      continue;
    shape.push_back(type.getDimSize(i));
    kept.push_back(b.getAffineDimExpr(i));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  // The reduced tensor keeps x's batch: dimension 0 unless axis is 0.
  SmallVector<Value> dynamic;
  for (int64_t i = 0, r = 0; i < rank; ++i) {
    if (i == axis)
      continue;
    if (resultType.isDynamicDim(r++))
      dynamic.push_back(b.create<tensor::DimOp>(loc, x, i));
  }
  Value acc = b.create<linalg::FillOp>(
                   loc, f32Constant(b, loc, init),
                   b.create<tensor::EmptyOp>(loc, resultType, dynamic).getResult())
                  .getResult(0);
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, b.getContext()),
      AffineMap::get(rank, 0, kept, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  return b
      .create<linalg::GenericOp>(
          loc, resultType, x, acc, maps, iterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(nloc, combine(nb, nloc, args));
          })
      .getResult(0);
}
