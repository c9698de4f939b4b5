//===- Utils.cpp - Helpers shared by the dl -> linalg patterns ------------===//

#include "compiler/Conversion/DLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using dlc::Arith;

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

Value dlc::spreadSpatial(OpBuilder &b, Location loc, Value x,
                         ArrayRef<int64_t> stride, ArrayRef<int64_t> offset,
                         ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(x.getType());
  auto spreadType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), size[0], size[1]},
      type.getElementType());
  Value zeros = filledTensor(b, loc, spreadType, x, 0.0);
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(offset[0]),
                                       b.getIndexAttr(offset[1])};
  SmallVector<OpFoldResult> strides = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       b.getIndexAttr(stride[0]),
                                       b.getIndexAttr(stride[1])};
  return b.create<tensor::InsertSliceOp>(
      loc, x, zeros, offsets, tensor::getMixedSizes(b, loc, x), strides);
}

Value dlc::windowSpatial(OpBuilder &b, Location loc, Value x,
                    ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<OpFoldResult> shape = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> from(4, b.getIndexAttr(0)), at(4, b.getIndexAttr(0)),
      extent = shape, strides(4, b.getIndexAttr(1));
  bool inside = true, whole = true;
  for (int i = 0; i < 2; ++i) {
    whole &= start[i] == 0 && size[i] == type.getDimSize(2 + i);
    int64_t first = std::max<int64_t>(start[i], 0);
    int64_t last = std::min(start[i] + size[i], type.getDimSize(2 + i));
    from[2 + i] = b.getIndexAttr(first);
    at[2 + i] = b.getIndexAttr(first - start[i]);
    extent[2 + i] = b.getIndexAttr(std::max<int64_t>(last - first, 0));
    inside &= start[i] >= 0 && start[i] + size[i] <= type.getDimSize(2 + i);
  }
  if (whole)
    return x;
  Value part = b.create<tensor::ExtractSliceOp>(loc, x, from, extent, strides);
  if (inside)
    return part;
  auto windowType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(1), size[0], size[1]},
      type.getElementType());
  return b.create<tensor::InsertSliceOp>(
      loc, part, filledTensor(b, loc, windowType, x, 0.0), at, extent,
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

/// fn(x, r) where r was reduced from x along `axis`, broadcast back.
Value dlc::withReduced(OpBuilder &b, Location loc, Value x, Value r, int64_t axis,
                  ScalarFn fn) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> kept;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      kept.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, kept, ctx),
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  return b
      .create<linalg::GenericOp>(
          loc, type, ValueRange{x, r}, emptyTensor(b, loc, type, x), maps,
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(nloc, fn(nb, nloc, args.drop_back()));
          })
      .getResult(0);
}


Value dlc::generic(OpBuilder &b, Location loc, ValueRange inputs,
                   ArrayRef<AffineMap> maps, ValueRange inits,
                   ArrayRef<utils::IteratorType> iterators, BodyFn fn,
                   unsigned result) {
  return b
      .create<linalg::GenericOp>(
          loc, inits.getTypes(), inputs, inits, maps, iterators,
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(nloc, fn(nb, nloc, args));
          })
      .getResult(result);
}

Value dlc::gather(OpBuilder &b, Location loc, Value x, AffineMap read,
                  Value into) {
  unsigned rank = read.getNumDims();
  return generic(
      b, loc, x,
      {read, AffineMap::getMultiDimIdentityMap(rank, b.getContext())}, into,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &, Location, ValueRange a) {
        return SmallVector<Value>{a[0]};
      });
}

SmallVector<Value> dlc::elementwiseResults(OpBuilder &b, Location loc,
                                           RankedTensorType type,
                                           ValueRange inputs, unsigned count,
                                           BodyFn fn) {
  int64_t rank = type.getRank();
  Value like = inputs.front();
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(broadcastMap(b.getContext(), rank,
                                cast<RankedTensorType>(v.getType()).getRank()));
  SmallVector<Value> inits;
  for (unsigned i = 0; i < count; ++i) {
    inits.push_back(emptyTensor(b, loc, type, like));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, b.getContext()));
  }
  auto op = b.create<linalg::GenericOp>(
      loc, TypeRange(SmallVector<Type>(count, type)), inputs, inits, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        nb.create<linalg::YieldOp>(
            nloc, fn(nb, nloc, args.drop_back(count)));
      });
  return SmallVector<Value>(op.getResults());
}

Value dlc::sumOver(OpBuilder &b, Location loc, ValueRange inputs,
                   ArrayRef<int64_t> kept, ScalarFn fn) {
  Value x = inputs.front();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  for (int64_t d : kept) {
    shape.push_back(type.getDimSize(d));
    iterators[d] = utils::IteratorType::parallel;
    if (type.isDynamicDim(d))
      dynamic.push_back(b.create<tensor::DimOp>(loc, x, d));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value acc = b.create<linalg::FillOp>(
                   loc, f32Constant(b, loc, 0.0),
                   b.create<tensor::EmptyOp>(loc, resultType, dynamic).getResult())
                  .getResult(0);
  SmallVector<AffineMap> maps;
  for (Value v : inputs)
    maps.push_back(broadcastMap(ctx, rank,
                                cast<RankedTensorType>(v.getType()).getRank()));
  SmallVector<unsigned> targets(kept.begin(), kept.end());
  maps.push_back(AffineMap::getMultiDimMapWithTargets(rank, targets, ctx));
  return generic(b, loc, inputs, maps, acc, iterators,
                 [&](OpBuilder &nb, Location nloc, ValueRange args) {
                   Value term = fn(nb, nloc, args.drop_back());
                   return SmallVector<Value>{
                       nb.create<arith::AddFOp>(nloc, args.back(), term)};
                 });
}

Value dlc::countOf(OpBuilder &b, Location loc, Value x,
                   ArrayRef<int64_t> dims) {
  Value n = b.create<arith::ConstantIndexOp>(loc, 1);
  for (int64_t d : dims)
    n = b.create<arith::MulIOp>(loc, n, b.create<tensor::DimOp>(loc, x, d));
  Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), n);
  return b.create<arith::SIToFPOp>(loc, b.getF32Type(), i64);
}

Value dlc::perChannelCount(OpBuilder &b, Location loc, Value x) {
  SmallVector<int64_t> dims = {0};
  for (int64_t i = 2, rank = cast<ShapedType>(x.getType()).getRank(); i < rank; ++i)
    dims.push_back(i);
  return countOf(b, loc, x, dims);
}

Value Arith::add(Value x, Value y) { return b.create<arith::AddFOp>(l, x, y); }
Value Arith::sub(Value x, Value y) { return b.create<arith::SubFOp>(l, x, y); }
Value Arith::mul(Value x, Value y) { return b.create<arith::MulFOp>(l, x, y); }
Value Arith::div(Value x, Value y) { return b.create<arith::DivFOp>(l, x, y); }
Value Arith::sqrt(Value x) { return b.create<math::SqrtOp>(l, x); }

Value dlc::scalarOf(OpBuilder &b, Location loc, Value tensor0d) {
  return b.create<tensor::ExtractOp>(loc, tensor0d, ValueRange{});
}
