//===- Winograd.cpp - F(2x2, 3x3) convolutions as transforms and products -===//
//
// dl.winograd_conv2d lowers to a reference linalg.generic (exact, but
// summing over the transforms' matrices: 16 times the work). Here it
// becomes, per sample, the algorithm itself on the output's 2x2 blocks
// (tiles), numbered t = ty * TW + tx:
//   v[a, b, c, t]  = (Bt d B)[a, b] for tile t's 4x4 input patch d in
//                    channel c (adds only; vectors along a row of tiles,
//                    the patch columns picked out of two row reads by
//                    shuffles)
//   m[a, b, f, t] = sum over c of u[a, b, f, c] v[a, b, c, t]
//                    (16 matrix products, im2col's register blocks)
//   y[f, 2ty + i, 2tx + j] += (At m[., ., f, t] A)[i, j]
//                    (adds only; the two columns of a tile interleaved)
// The tiles are padded to whole vectors with zeros.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/Winograd.h"

#include "compiler/Codegen/CPU/Loops.h"
#include "compiler/Codegen/CPU/RegisterTile.h"
#include "compiler/Codegen/Common/Contraction.h"
#include "compiler/Dialect/DL/IR/Winograd.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::dl::winograd;

namespace {

struct WinogradKernel {
  OpBuilder &b;
  Location loc;
  int64_t lanes;
  /// Tiles (2x2 output blocks) per row.
  int64_t tileCols;

  Value index(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value affine(Value v, int64_t scale, int64_t offset) {
    Value r = scale == 1 ? v : b.create<arith::MulIOp>(loc, v, index(scale));
    return offset ? b.create<arith::AddIOp>(loc, r, index(offset)) : r;
  }

  /// sum over k of coefficients[k] * in[k], skipping zeros; the transforms'
  /// coefficients are mostly +-1.
  Value combine(ArrayRef<Value> in, ArrayRef<float> coefficients) {
    Value sum;
    for (auto [v, c] : llvm::zip(in, coefficients)) {
      if (c == 0)
        continue;
      Value term = v;
      if (c != 1 && c != -1) {
        auto type = cast<VectorType>(v.getType());
        term = b.create<arith::MulFOp>(
            loc, v,
            b.create<arith::ConstantOp>(
                loc, DenseElementsAttr::get(type, b.getF32FloatAttr(c))));
      }
      if (!sum)
        sum = c == -1 ? b.create<arith::NegFOp>(loc, term).getResult() : term;
      else if (c == -1)
        sum = b.create<arith::SubFOp>(loc, sum, term);
      else
        sum = b.create<arith::AddFOp>(loc, sum, term);
    }
    return sum;
  }

  /// Element j of each row of `grid`.
  static SmallVector<Value> column(ArrayRef<SmallVector<Value>> grid,
                                   int64_t j) {
    SmallVector<Value> c;
    for (const SmallVector<Value> &row : grid)
      c.push_back(row[j]);
    return c;
  }

  /// Lanes from, from + step, ... of `v`, `count` of them.
  Value lanesOf(Value v, int64_t from, int64_t step, int64_t count) {
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < count; ++i)
      mask.push_back(from + i * step);
    return b.create<vector::ShuffleOp>(loc, v, v, mask);
  }

  /// Input transform of channel c, tile row ty, tiles [tx, tx + n): writes
  /// v[a, b, c, ty * TW + tx ...].
  Value inputBlock(Value x, Value v, Value c, Value ty, int64_t tx,
                   int64_t n) {
    auto row = VectorType::get({kM * n}, b.getF32Type());
    // d[i][j]: patch row i, column j of each of the n tiles.
    SmallVector<SmallVector<Value>> d(kAlpha);
    for (int64_t i = 0; i < kAlpha; ++i) {
      Value y = affine(ty, kM, i);
      for (int64_t start = 0; start < kAlpha; start += kM) {
        Value r = b.create<vector::TransferReadOp>(
            loc, row, x, ValueRange{c, y, index(kM * tx + start)},
            ArrayRef<bool>{true});
        for (int64_t phase = 0; phase < kM && start + phase < kAlpha; ++phase)
          d[i].push_back(lanesOf(r, phase, kM, n));
      }
    }
    Value t0 = affine(ty, tileCols, tx);
    for (int64_t a = 0; a < kAlpha; ++a) {
      // Bt d: row a of the patch's rows combined, then its columns.
      SmallVector<Value> rowA;
      for (int64_t j = 0; j < kAlpha; ++j)
        rowA.push_back(combine(column(d, j), kBt[a]));
      for (int64_t bb = 0; bb < kAlpha; ++bb)
        v = b.create<vector::TransferWriteOp>(
                 loc, combine(rowA, kBt[bb]), v,
                 ValueRange{index(a), index(bb), c, t0}, ArrayRef<bool>{true})
                .getResult();
    }
    return v;
  }

  /// Output transform of filter f, tile row ty, tiles [tx, tx + n), added
  /// to rows 2ty .. 2ty + rows - 1 of y.
  Value outputBlock(Value m, Value y, Value f, Value ty, int64_t tx, int64_t n,
                    int64_t rows, int64_t width) {
    auto tiles = VectorType::get({n}, b.getF32Type());
    Value t0 = affine(ty, tileCols, tx);
    SmallVector<SmallVector<Value>> ms(kAlpha);
    for (int64_t a = 0; a < kAlpha; ++a)
      for (int64_t bb = 0; bb < kAlpha; ++bb)
        ms[a].push_back(b.create<vector::TransferReadOp>(
            loc, tiles, m, ValueRange{index(a), index(bb), f, t0},
            ArrayRef<bool>{true}));
    // Whole rows of the block are inside; its last columns may not be
    // (an odd width).
    bool inside = kM * (tx + n) <= width;
    auto row = VectorType::get({kM * n}, b.getF32Type());
    for (int64_t i = 0; i < rows; ++i) {
      SmallVector<Value> s;
      for (int64_t bb = 0; bb < kAlpha; ++bb)
        s.push_back(combine(column(ms, bb), kAt[i]));
      SmallVector<int64_t> interleave;
      for (int64_t k = 0; k < n; ++k)
        for (int64_t j = 0; j < kM; ++j)
          interleave.push_back(j * n + k);
      static_assert(kM == 2, "one shuffle interleaves two columns");
      Value block = b.create<vector::ShuffleOp>(loc, combine(s, kAt[0]),
                                                combine(s, kAt[1]), interleave);
      SmallVector<Value> at = {f, affine(ty, kM, i), index(kM * tx)};
      Value old = b.create<vector::TransferReadOp>(
          loc, row, y, at, ArrayRef<bool>{inside});
      Value sum = b.create<arith::AddFOp>(loc, old, block);
      y = b.create<vector::TransferWriteOp>(loc, sum, y, at,
                                            ArrayRef<bool>{inside})
              .getResult();
    }
    return y;
  }

  /// `body(acc, tx, n)` for the blocks of a row of tiles: whole vectors,
  /// then the rest.
  Value alongRow(Value acc, function_ref<Value(Value, int64_t, int64_t)> body) {
    int64_t tx = 0;
    for (; tx + lanes <= tileCols; tx += lanes)
      acc = body(acc, tx, lanes);
    if (tx < tileCols)
      acc = body(acc, tx, tileCols - tx);
    return acc;
  }

  /// `body(acc, iv)` for iv in [0, count).
  Value loop(Value acc, int64_t count, function_ref<Value(Value, Value)> body) {
    if (count == 0)
      return acc;
    return dlc::forLoop(b, loc, acc, index(0), index(count), 1, body);
  }
};

/// m[a, b, f, t] += u[a, b, f, c] * v[a, b, c, t], loops (a, b, f, c, t).
linalg::GenericOp products(OpBuilder &b, Location loc, Value u, Value v,
                           Value m) {
  MLIRContext *ctx = b.getContext();
  AffineExpr a, bb, f, c, t;
  bindDims(ctx, a, bb, f, c, t);
  auto map = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(5, 0, r, ctx);
  };
  auto par = utils::IteratorType::parallel;
  return b.create<linalg::GenericOp>(
      loc, m.getType(), ValueRange{u, v}, m,
      SmallVector<AffineMap>{map({a, bb, f, c}), map({a, bb, c, t}),
                             map({a, bb, f, t})},
      SmallVector<utils::IteratorType>{par, par, par,
                                       utils::IteratorType::reduction, par},
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value p = nb.create<arith::MulFOp>(nloc, args[0], args[1]);
        nb.create<linalg::YieldOp>(
            nloc, nb.create<arith::AddFOp>(nloc, args[2], p).getResult());
      });
}

/// Rank-reduced slice of sample n of `t` ([N, ...] -> [...]).
Value sampleOf(OpBuilder &b, Location loc, Value t, Value n) {
  auto type = cast<RankedTensorType>(t.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      sizes = tensor::getMixedSizes(b, loc, t),
      strides(rank, b.getIndexAttr(1));
  offsets[0] = n;
  sizes[0] = b.getIndexAttr(1);
  return b.create<tensor::ExtractSliceOp>(
      loc,
      RankedTensorType::get(type.getShape().drop_front(),
                            type.getElementType()),
      t, offsets, sizes, strides);
}

} // namespace

FailureOr<Value> dlc::convolveByWinograd(RewriterBase &rewriter,
                                         linalg::GenericOp op, int64_t lanes) {
  if (!isWinogradConvolution(op) || !op.hasPureTensorSemantics())
    return failure();
  Value u = op.getDpsInputs()[2], x = op.getDpsInputs()[5];
  Value y = op.getDpsInits()[0];
  auto ut = cast<RankedTensorType>(u.getType());
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  if (!ut.hasStaticShape() || !ut.getElementType().isF32() ||
      ShapedType::isDynamicShape(xt.getShape().drop_front()) ||
      ShapedType::isDynamicShape(yt.getShape().drop_front()))
    return failure();
  int64_t filters = ut.getDimSize(1), channels = ut.getDimSize(2);
  int64_t height = yt.getDimSize(2), width = yt.getDimSize(3);
  int64_t tileRows = llvm::divideCeil(height, kM),
          tileCols = llvm::divideCeil(width, kM);
  int64_t tiles = tileRows * tileCols;
  int64_t paddedTiles = llvm::alignTo(tiles, lanes);
  // The patches must lie inside x (dl.winograd_conv2d pads it so).
  if (xt.getDimSize(2) < kM * tileRows + kR - 1 ||
      xt.getDimSize(3) < kM * tileCols + kR - 1)
    return failure();
  dlc::RegisterTile registers = dlc::chooseRegisterTile(
      filters, paddedTiles, lanes, /*contraction=*/true);

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  OpBuilder &b = rewriter;
  // u[4a + b, f, c] as u[a, b, f, c].
  u = b.create<tensor::ExpandShapeOp>(
      loc,
      RankedTensorType::get({kAlpha, kAlpha, filters, channels},
                            ut.getElementType()),
      u, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
  WinogradKernel k{b, loc, lanes, tileCols};
  Type f32 = b.getF32Type();
  linalg::GenericOp product;
  auto perSample = b.create<scf::ForOp>(
      loc, k.index(0), b.createOrFold<tensor::DimOp>(loc, y, 0), k.index(1),
      ValueRange{y},
      [&](OpBuilder &, Location, Value n, ValueRange args) {
        Value xs = sampleOf(b, loc, x, n), ys = sampleOf(b, loc, args[0], n);
        // v, with the padding tiles zero.
        Value v = b.create<tensor::EmptyOp>(
            loc, ArrayRef<int64_t>{kAlpha, kAlpha, channels, paddedTiles}, f32);
        if (paddedTiles > tiles) {
          SmallVector<OpFoldResult> offsets = {
              b.getIndexAttr(0), b.getIndexAttr(0), b.getIndexAttr(0),
              b.getIndexAttr(tiles)};
          SmallVector<OpFoldResult> sizes = {
              b.getIndexAttr(kAlpha), b.getIndexAttr(kAlpha),
              b.getIndexAttr(channels), b.getIndexAttr(paddedTiles - tiles)};
          SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
          Value tail =
              b.create<tensor::ExtractSliceOp>(loc, v, offsets, sizes, ones);
          Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
          tail = b.create<linalg::FillOp>(loc, zero, tail).getResult(0);
          v = b.create<tensor::InsertSliceOp>(loc, tail, v, offsets, sizes,
                                              ones);
        }
        v = k.loop(v, channels, [&](Value v, Value c) {
          return k.loop(v, tileRows, [&](Value v, Value ty) {
            return k.alongRow(v, [&](Value v, int64_t tx, int64_t count) {
              return k.inputBlock(xs, v, c, ty, tx, count);
            });
          });
        });
        // The 16 products, in im2col's register and cache blocks (plain
        // loops for an odd filter count).
        Value m = b.create<tensor::EmptyOp>(
            loc, ArrayRef<int64_t>{kAlpha, kAlpha, filters, paddedTiles}, f32);
        Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
        m = b.create<linalg::FillOp>(loc, zero, m).getResult(0);
        product = products(b, loc, u, v, m);
        m = product.getResult(0);
        // Whole rows of tiles, then an odd height's last row.
        ys = k.loop(ys, filters, [&](Value ys, Value f) {
          ys = k.loop(ys, height / kM, [&](Value ys, Value ty) {
            return k.alongRow(ys, [&](Value ys, int64_t tx, int64_t count) {
              return k.outputBlock(m, ys, f, ty, tx, count, kM, width);
            });
          });
          if (height % kM == 0)
            return ys;
          return k.alongRow(ys, [&](Value ys, int64_t tx, int64_t count) {
            return k.outputBlock(m, ys, f, k.index(height / kM), tx, count,
                                 height % kM, width);
          });
        });
        SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)),
            sizes = tensor::getMixedSizes(b, loc, args[0]),
            ones(4, b.getIndexAttr(1));
        offsets[0] = n;
        sizes[0] = b.getIndexAttr(1);
        b.create<scf::YieldOp>(
            loc, b.create<tensor::InsertSliceOp>(loc, ys, args[0], offsets,
                                                 sizes, ones)
                     .getResult());
      });
  // Tiled once the loop exists (tiling needs the op in place).
  if (registers)
    dlc::blockReductionAndRegisters(
        rewriter, product, /*reduction=*/3,
        {1, 1, registers.channels, 1, registers.pixels}, {0, 1, 2, 4, 3});
  return perSample.getResult(0);
}
