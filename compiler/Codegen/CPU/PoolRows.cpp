//===- PoolRows.cpp - Strided pooling, a row of outputs per vector --------===//
//
// A pooling with stride s reads its input columns s apart: vectorised along
// the output row as it is, each window position is a gather. Here a vector
// of n outputs reads s*n contiguous inputs once per window row and phase,
// and a shuffle picks every s-th lane (the deinterleave of NNPACK's and
// MLAS's pooling kernels). The window positions are combined in the order
// the named op's loops take them, so the bits do not change.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/PoolRows.h"
#include "compiler/Codegen/CPU/Loops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

void dlc::forEachStridedColumn(OpBuilder &b, Location loc, Value x,
                               ValueRange row, int64_t from, int64_t window,
                               int64_t stride, int64_t count, int64_t width,
                               function_ref<void(int64_t, Value)> use) {
  auto wide = VectorType::get({stride * count}, b.getF32Type());
  Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
  SmallVector<Value> at(row);
  at.push_back(Value());
  for (int64_t start = 0; start < window; start += stride) {
    int64_t column = from + start;
    at.back() = b.create<arith::ConstantIndexOp>(loc, column);
    Value read = b.create<vector::TransferReadOp>(
        loc, wide, x, at, zero, ArrayRef<bool>{column + stride * count <= width});
    for (int64_t phase = 0; phase < stride && start + phase < window;
         ++phase) {
      SmallVector<int64_t> lanes;
      for (int64_t k = 0; k < count; ++k)
        lanes.push_back(phase + k * stride);
      use(start + phase, b.create<vector::ShuffleOp>(loc, read, read, lanes));
    }
  }
}

FailureOr<Value> dlc::vectorizePoolRows(RewriterBase &b, linalg::LinalgOp op,
                                        int64_t lanes) {
  bool max = isa<linalg::PoolingNchwMaxOp>(op);
  if (!max && !isa<linalg::PoolingNchwSumOp>(op))
    return failure();
  auto attr = [&](StringRef name) {
    return llvm::to_vector(
        cast<DenseIntElementsAttr>(op->getAttr(name)).getValues<int64_t>());
  };
  SmallVector<int64_t> strides = attr("strides"), dilations = attr("dilations");
  Value x = op.getDpsInputs()[0], y = op.getDpsInits()[0];
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  auto wt = cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  int64_t s = strides[1];
  if (s < 2 || dilations[0] != 1 || dilations[1] != 1 ||
      !xt.getElementType().isF32() || !wt.hasStaticShape() ||
      ShapedType::isDynamicShape(xt.getShape().drop_front()) ||
      ShapedType::isDynamicShape(yt.getShape().drop_front()))
    return failure();
  int64_t kh = wt.getDimSize(0), kw = wt.getDimSize(1);
  int64_t width = xt.getDimSize(3), outWidth = yt.getDimSize(3);

  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  auto index = [&](int64_t v) -> Value {
    return b.create<arith::ConstantIndexOp>(loc, v);
  };
  auto loop = [&](Value acc, Value count,
                  function_ref<Value(Value, Value)> body) -> Value {
    return dlc::forLoop(b, loc, acc, index(0), count, 1, body);
  };
  // The outputs [tx, tx + n) of row oh of channel c of sample i.
  auto block = [&](Value out, Value i, Value c, Value oh, int64_t tx,
                   int64_t n) -> Value {
    auto type = VectorType::get({n}, b.getF32Type());
    SmallVector<Value> at = {i, c, oh, index(tx)};
    Value acc = b.create<vector::TransferReadOp>(loc, type, out, at,
                                                 ArrayRef<bool>{true});
    for (int64_t r = 0; r < kh; ++r) {
      Value row = b.create<arith::AddIOp>(
          loc, b.create<arith::MulIOp>(loc, oh, index(strides[0])),
          index(r));
      dlc::forEachStridedColumn(
          b, loc, x, {i, c, row}, tx * s, kw, s, n, width,
          [&](int64_t, Value v) {
            acc = max ? b.create<arith::MaximumFOp>(loc, acc, v).getResult()
                      : b.create<arith::AddFOp>(loc, acc, v).getResult();
          });
    }
    return b.create<vector::TransferWriteOp>(loc, acc, out, at,
                                             ArrayRef<bool>{true})
        .getResult();
  };
  Value result = loop(
      y, b.createOrFold<tensor::DimOp>(loc, y, 0), [&](Value out, Value i) {
        return loop(out, index(yt.getDimSize(1)), [&](Value out, Value c) {
          return loop(out, index(yt.getDimSize(2)), [&](Value out, Value oh) {
            int64_t tx = 0;
            for (; tx + lanes <= outWidth; tx += lanes)
              out = block(out, i, c, oh, tx, lanes);
            if (tx < outWidth)
              out = block(out, i, c, oh, tx, outWidth - tx);
            return out;
          });
        });
      });
  return result;
}
