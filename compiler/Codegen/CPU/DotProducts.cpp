//===- DotProducts.cpp - Dense layers as register-blocked dot products ----===//
//
// y = x W^T reads x [M, K] and W [N, K] both along k, so no output
// dimension is contiguous in an operand: the kernel vectorises the
// reduction instead (the form oneDNN's and MLAS's inner-product kernels
// take at small batches, where the weights stream through once). A
// convolution's weight gradient takes it too, its reduction (the batch's
// pixels) contiguous in both operands. A block
// of rows x cols outputs keeps one vector of partial sums per output; each
// step loads a vector of k from each of its rows of x and of W and issues
// rows x cols FMAs. After the last full vector the lanes are added
// pairwise (a fixed tree), then the remainder of k in order. An output's
// summation order does not depend on its block, so any split of the rows
// or columns among threads gives the same bits.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/DotProducts.h"
#include "compiler/Codegen/CPU/Loops.h"
#include "compiler/Codegen/Common/Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {

struct DotProductKernel {
  OpBuilder &b;
  Location loc;
  Value x, w;
  int64_t lanes;
  /// The sizes of W's (and C's) column loops when there are several: a
  /// column's index is split into one per loop.
  SmallVector<int64_t> columnSizes;

  /// The indices of column `j` in W's and C's column loops.
  SmallVector<Value> column(Value j) {
    if (columnSizes.size() < 2)
      return {j};
    SmallVector<Value> indices(columnSizes.size());
    for (size_t d = columnSizes.size(); d-- > 1;) {
      Value size = index(columnSizes[d]);
      indices[d] = b.createOrFold<arith::RemUIOp>(loc, j, size);
      j = b.createOrFold<arith::DivUIOp>(loc, j, size);
    }
    indices[0] = j;
    return indices;
  }

  Value index(int64_t v) { return b.create<arith::ConstantIndexOp>(loc, v); }
  Value plus(Value v, int64_t offset) {
    return offset ? b.create<arith::AddIOp>(loc, v, index(offset)) : v;
  }

  /// The lanes of `v` summed, halves added pairwise.
  Value horizontalSum(Value v) {
    for (int64_t n = lanes; n > 1; n /= 2) {
      Value low = b.create<vector::ExtractStridedSliceOp>(
          loc, v, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{n / 2},
          ArrayRef<int64_t>{1});
      Value high = b.create<vector::ExtractStridedSliceOp>(
          loc, v, ArrayRef<int64_t>{n / 2}, ArrayRef<int64_t>{n / 2},
          ArrayRef<int64_t>{1});
      v = b.create<arith::AddFOp>(loc, low, high);
    }
    return b.create<vector::ExtractOp>(loc, v, ArrayRef<int64_t>{0});
  }

  /// `c` plus the dot products of rows [m, m + rows) of x with rows
  /// [n, n + cols) of w over k in [kFrom, kTo).
  Value block(Value c, Value m, Value n, int64_t rows, int64_t cols,
              Value kFrom, Value kTo) {
    Type f32 = b.getF32Type();
    auto vector = VectorType::get({lanes}, f32);
    Value length = b.createOrFold<arith::SubIOp>(loc, kTo, kFrom);
    Value full = b.createOrFold<arith::SubIOp>(
        loc, kTo, b.createOrFold<arith::RemUIOp>(loc, length, index(lanes)));
    auto empty = [](Value from, Value to) {
      std::optional<int64_t> f = getConstantIntValue(from),
                             t = getConstantIntValue(to);
      return from == to || (f && t && *f >= *t);
    };
    SmallVector<SmallVector<Value>> wRows;
    for (int64_t j = 0; j < cols; ++j)
      wRows.push_back(column(plus(n, j)));
    SmallVector<Value> partial(
        rows * cols,
        b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(
                                             vector, b.getF32FloatAttr(0))));
    if (!empty(kFrom, full)) {
      auto loop = b.create<scf::ForOp>(
          loc, kFrom, full, index(lanes), partial,
          [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
            auto read = [&](Value source, SmallVector<Value> indices) {
              indices.push_back(step);
              return nb.create<vector::TransferReadOp>(
                  l, vector, source, indices, ArrayRef<bool>{true});
            };
            SmallVector<Value> xs, ws, next;
            for (int64_t i = 0; i < rows; ++i)
              xs.push_back(read(x, {plus(m, i)}));
            for (int64_t j = 0; j < cols; ++j)
              ws.push_back(read(w, wRows[j]));
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j)
                next.push_back(nb.create<vector::FMAOp>(l, xs[i], ws[j],
                                                        acc[i * cols + j]));
            nb.create<scf::YieldOp>(l, next);
          });
      partial.assign(loop.getResults().begin(), loop.getResults().end());
    }
    SmallVector<Value> sums;
    for (Value p : partial)
      sums.push_back(horizontalSum(p));
    if (!empty(full, kTo)) {
      auto rest = b.create<scf::ForOp>(
          loc, full, kTo, index(1), sums,
          [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
            SmallVector<Value> next;
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                Value a = nb.create<tensor::ExtractOp>(
                    l, x, ValueRange{plus(m, i), step});
                SmallVector<Value> at = wRows[j];
                at.push_back(step);
                Value bv = nb.create<tensor::ExtractOp>(l, w, at);
                Value product = nb.create<arith::MulFOp>(l, a, bv);
                next.push_back(
                    nb.create<arith::AddFOp>(l, acc[i * cols + j], product));
              }
            nb.create<scf::YieldOp>(l, next);
          });
      sums.assign(rest.getResults().begin(), rest.getResults().end());
    }
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        SmallVector<Value> position = {plus(m, i)};
        llvm::append_range(position, wRows[j]);
        Value old = b.create<tensor::ExtractOp>(loc, c, position);
        Value sum = b.create<arith::AddFOp>(loc, old, sums[i * cols + j]);
        c = b.create<tensor::InsertOp>(loc, sum, c, position);
      }
    return c;
  }

  Value loop(Value c, Value from, Value to, int64_t step,
             function_ref<Value(Value, Value)> body) {
    return dlc::forLoop(b, loc, c, from, to, step, body);
  }
};

} // namespace

/// c + x w^T for x [M, K], w [N..., K], c [M, N...] (the N... of
/// `columnSizes` when there are several).
static Value dotProducts(OpBuilder &b, Location loc, Value x, Value w,
                         Value c, ArrayRef<int64_t> columnSizes,
                         int64_t lanes) {
  // 32 vector registers (AVX-512) hold 4 x 4 partial sums beside 4 rows
  // of x and one of W; 16 (AVX2) hold 4 x 2.
  const int64_t rows = 4, cols = lanes >= 16 ? 4 : 2;
  DotProductKernel kernel{b, loc, x, w, lanes, llvm::to_vector(columnSizes)};
  auto xType = cast<RankedTensorType>(x.getType());
  auto size = [&](Value t, int64_t d) {
    return getValueOrCreateConstantIndexOp(
        b, loc, tensor::getMixedSize(b, loc, t, d));
  };
  auto roundDown = [&](Value v, int64_t step) -> Value {
    Value rest = b.createOrFold<arith::RemUIOp>(loc, v, kernel.index(step));
    return b.createOrFold<arith::SubIOp>(loc, v, rest);
  };
  auto min = [&](Value v, int64_t offset, Value bound) -> Value {
    return b.create<arith::MinUIOp>(loc, kernel.plus(v, offset), bound);
  };
  Value m = size(x, 0), k = size(x, 1);
  Value n = columnSizes.size() < 2
                ? size(w, 0)
                : kernel.index(ShapedType::getNumElements(columnSizes));
  Value mFull = roundDown(m, rows), nFull = roundDown(n, cols);
  Value zero = kernel.index(0);
  // Columns outermost: each block of W rows is read from memory once and
  // reused from cache for the rows of x in [from, to) (blocks of `rows`)
  // and [to, end) (one at a time).
  auto columns = [&](Value c, Value from, Value to, Value end, Value kFrom,
                     Value kTo) {
    auto blocks = [&](Value c, Value j, int64_t width) {
      c = kernel.loop(c, from, to, rows, [&](Value c, Value i) {
        return kernel.block(c, i, j, rows, width, kFrom, kTo);
      });
      return kernel.loop(c, to, end, 1, [&](Value c, Value i) {
        return kernel.block(c, i, j, 1, width, kFrom, kTo);
      });
    };
    c = kernel.loop(c, zero, nFull, cols,
                    [&](Value c, Value j) { return blocks(c, j, cols); });
    return kernel.loop(c, nFull, n, 1,
                       [&](Value c, Value j) { return blocks(c, j, 1); });
  };
  if (!xType.isDynamicDim(1))
    return columns(c, zero, mFull, m, zero, k);
  // A reduction as long as the batch (a convolution's weight gradient,
  // N*OH*OW) in chunks of k whose rows of x (kRows of them) stay in L2
  // while the chunks of W's rows stream through L1; each chunk's sums are
  // added to the result in order, so the bits still do not depend on how
  // the rows or columns are split.
  constexpr int64_t kChunk = 1024, kRows = 64;
  return kernel.loop(c, zero, k, kChunk, [&](Value c, Value k0) {
    Value k1 = min(k0, kChunk, k);
    c = kernel.loop(c, zero, mFull, kRows, [&](Value c, Value i0) {
      Value i1 = min(i0, kRows, mFull);
      return columns(c, i0, i1, i1, k0, k1);
    });
    return columns(c, mFull, mFull, m, k0, k1);
  });
}

FailureOr<Value> dlc::vectorizeDotProducts(RewriterBase &b,
                                           linalg::LinalgOp op,
                                           int64_t lanes) {
  if (!dlc::isTransposedBMatmul(op) || !op.hasPureTensorSemantics() ||
      !llvm::all_of(op->getOperandTypes(), [](Type t) {
        return cast<ShapedType>(t).getElementType().isF32();
      }))
    return failure();
  // Several column loops (a weight gradient's [F, C, KH, KW]) stay
  // uncollapsed: a slice of them for a thread need not be contiguous.
  Value c = op.getDpsInits()[0];
  ArrayRef<int64_t> shape = cast<ShapedType>(c.getType()).getShape();
  SmallVector<int64_t> columnSizes(shape.drop_front());
  if (columnSizes.size() > 1 && ShapedType::isDynamicShape(columnSizes))
    return failure();
  b.setInsertionPoint(op);
  return dotProducts(b, op.getLoc(), op.getDpsInputs()[0],
                     op.getDpsInputs()[1], c, columnSizes, lanes);
}
