//===- DotProducts.cpp - Dense layers as register-blocked dot products ----===//
//
// y = x W^T reads x [M, K] and W [N, K] both along k, so no output
// dimension is contiguous in an operand: the kernel vectorises the
// reduction instead (the form oneDNN's and MLAS's inner-product kernels
// take at small batches, where the weights stream through once). A block
// of rows x cols outputs keeps one vector of partial sums per output; each
// step loads a vector of k from each of its rows of x and of W and issues
// rows x cols FMAs. After the last full vector the lanes are added
// pairwise (a fixed tree), then the remainder of k in order. An output's
// summation order does not depend on its block, so any split of the rows
// or columns among threads gives the same bits.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/DotProducts.h"

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
  int64_t k, lanes;

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
  /// [n, n + cols) of w.
  Value block(Value c, Value m, Value n, int64_t rows, int64_t cols) {
    Type f32 = b.getF32Type();
    auto vector = VectorType::get({lanes}, f32);
    int64_t full = k - k % lanes;
    SmallVector<Value> partial(
        rows * cols,
        b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(
                                             vector, b.getF32FloatAttr(0))));
    if (full) {
      auto loop = b.create<scf::ForOp>(
          loc, index(0), index(full), index(lanes), partial,
          [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
            auto read = [&](Value source, Value row) -> Value {
              return nb.create<vector::TransferReadOp>(
                  l, vector, source, ValueRange{row, step},
                  ArrayRef<bool>{true});
            };
            SmallVector<Value> xs, ws, next;
            for (int64_t i = 0; i < rows; ++i)
              xs.push_back(read(x, plus(m, i)));
            for (int64_t j = 0; j < cols; ++j)
              ws.push_back(read(w, plus(n, j)));
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
    if (full < k) {
      auto rest = b.create<scf::ForOp>(
          loc, index(full), index(k), index(1), sums,
          [&](OpBuilder &nb, Location l, Value step, ValueRange acc) {
            SmallVector<Value> next;
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                Value a = nb.create<tensor::ExtractOp>(
                    l, x, ValueRange{plus(m, i), step});
                Value bv = nb.create<tensor::ExtractOp>(
                    l, w, ValueRange{plus(n, j), step});
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
        SmallVector<Value> position = {plus(m, i), plus(n, j)};
        Value old = b.create<tensor::ExtractOp>(loc, c, position);
        Value sum = b.create<arith::AddFOp>(loc, old, sums[i * cols + j]);
        c = b.create<tensor::InsertOp>(loc, sum, c, position);
      }
    return c;
  }

  /// `c` with `body(c, iv)` applied for iv in [from, to) by `step`.
  Value loop(Value c, Value from, Value to, int64_t step,
             function_ref<Value(Value, Value)> body) {
    // The body builder is `b` itself, placed in the loop's body.
    auto forOp = b.create<scf::ForOp>(
        loc, from, to, index(step), ValueRange{c},
        [&](OpBuilder &, Location l, Value iv, ValueRange args) {
          b.create<scf::YieldOp>(l, body(args[0], iv));
        });
    return forOp.getResult(0);
  }
};

} // namespace

FailureOr<Value> dlc::vectorizeDotProducts(RewriterBase &b,
                                           linalg::MatmulTransposeBOp op,
                                           int64_t lanes) {
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
  Value c = op.getDpsInits()[0];
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  auto cType = dyn_cast<RankedTensorType>(c.getType());
  if (!xType || !wType || !cType || xType.isDynamicDim(1) ||
      !llvm::all_of(TypeRange{xType, wType, cType},
                    [](Type t) {
                      return cast<ShapedType>(t).getElementType().isF32();
                    }))
    return failure();
  // 32 vector registers (AVX-512) hold 4 x 4 partial sums beside 4 rows
  // of x and one of W; 16 (AVX2) hold 4 x 2.
  const int64_t rows = 4, cols = lanes >= 16 ? 4 : 2;
  b.setInsertionPoint(op);
  Location loc = op.getLoc();
  DotProductKernel kernel{b, loc, x, w, xType.getDimSize(1), lanes};
  auto size = [&](Value t, int64_t d) {
    return getValueOrCreateConstantIndexOp(
        b, loc, tensor::getMixedSize(b, loc, t, d));
  };
  auto roundDown = [&](Value v, int64_t step) -> Value {
    Value rest = b.createOrFold<arith::RemUIOp>(loc, v, kernel.index(step));
    return b.createOrFold<arith::SubIOp>(loc, v, rest);
  };
  Value m = size(x, 0), n = size(w, 0);
  Value mFull = roundDown(m, rows), nFull = roundDown(n, cols);
  Value zero = kernel.index(0);
  // Columns outermost: each block of W rows is read from memory once and
  // reused from cache for every row of x.
  auto columns = [&](Value c, Value j, int64_t width) {
    c = kernel.loop(c, zero, mFull, rows, [&](Value c, Value i) {
      return kernel.block(c, i, j, rows, width);
    });
    return kernel.loop(c, mFull, m, 1, [&](Value c, Value i) {
      return kernel.block(c, i, j, 1, width);
    });
  };
  c = kernel.loop(c, zero, nFull, cols,
                  [&](Value c, Value j) { return columns(c, j, cols); });
  c = kernel.loop(c, nFull, n, 1,
                  [&](Value c, Value j) { return columns(c, j, 1); });
  return c;
}
