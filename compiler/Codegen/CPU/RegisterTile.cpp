//===- RegisterTile.cpp - Register blocks of the CPU contractions ---------===//

#include "compiler/Codegen/CPU/RegisterTile.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

/// `read` as one scalar read and broadcast per element when it reads a few
/// elements (a register block's weights, one per output channel) along one
/// vector dimension and broadcasts them along the later ones: the single
/// read lowers to an element-by-element loop, the strided weights being no
/// vector in memory. Only exact reads of a static tensor from index 0.
static void splitBroadcastRead(RewriterBase &b, vector::TransferReadOp read) {
  constexpr int64_t most = 8;
  auto source = dyn_cast<RankedTensorType>(read.getSource().getType());
  VectorType type = read.getVectorType();
  AffineMap map = read.getPermutationMap();
  if (!source || !source.hasStaticShape() || read.getMask() ||
      !llvm::all_of(read.getIndices(), isZeroIndex))
    return;
  int64_t along = -1;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (type.getDimSize(d) == 1)
      continue;
    auto dim = dyn_cast<AffineDimExpr>(map.getResult(d));
    if (dim && along >= 0)
      return; // a second dimension read from memory
    if (!dim && along < 0)
      return; // a broadcast before the read one
    if (dim)
      along = d;
  }
  int64_t count = along < 0 ? 0 : type.getDimSize(along);
  if (count < 2 || count > most || along + 1 == type.getRank())
    return;
  unsigned sourceDim = cast<AffineDimExpr>(map.getResult(along)).getPosition();
  if (source.getDimSize(sourceDim) < count)
    return;
  Location loc = read.getLoc();
  b.setInsertionPoint(read);
  auto rowType = VectorType::get(type.getShape().drop_front(along + 1),
                                 type.getElementType());
  Value result = b.create<arith::ConstantOp>(loc, b.getZeroAttr(type));
  SmallVector<Value> indices(read.getIndices());
  SmallVector<int64_t> position(along + 1, 0);
  for (int64_t i = 0; i < count; ++i) {
    indices[sourceDim] = b.create<arith::ConstantIndexOp>(loc, i);
    Value scalar =
        b.create<tensor::ExtractOp>(loc, read.getSource(), indices);
    Value row = b.create<vector::BroadcastOp>(loc, rowType, scalar);
    position[along] = i;
    result = b.create<vector::InsertOp>(loc, row, result, position);
  }
  b.replaceOp(read, result);
}

void dlc::vectorizeRegisterBlock(RewriterBase &b, Operation *op) {
  Block *block = op->getBlock();
  if (failed(linalg::vectorize(b, op)))
    return;
  for (auto read :
       llvm::make_early_inc_range(block->getOps<vector::TransferReadOp>()))
    splitBroadcastRead(b, read);
}

dlc::RegisterTile dlc::chooseRegisterTile(int64_t channels, int64_t pixels,
                                          int64_t lanes, bool contraction) {
  // 32 vector registers (AVX-512) hold 8 x 2 accumulators and still a
  // contraction's operands; 16 (AVX2) hold 4 x 2. A direct convolution's
  // blocks stay at 4 channels, and so do a weight gradient's (measured: U-Net
  // is 7 % and ResNet-18's training step 5 % slower with 8).
  int64_t most = contraction && lanes >= 16 ? 8 : 4;
  int64_t f = channels % most == 0 ? most
              : channels % 4 == 0  ? 4
              : channels % 2 == 0  ? 2
                                   : 0;
  int64_t p = pixels % (2 * lanes) == 0 ? 2 * lanes
              : pixels % lanes == 0     ? lanes
                                        : 0;
  if (!f || !p)
    return {};
  return {f, p};
}

/// `op` tiled into `sizes` (loops in `interchange` order) and replaced.
static FailureOr<scf::SCFTilingResult>
tileAndReplace(RewriterBase &b, linalg::GenericOp op, ArrayRef<int64_t> sizes,
               ArrayRef<int64_t> interchange = {}) {
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(b.getContext(), sizes));
  options.setInterchange(interchange);
  b.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(b, cast<TilingInterface>(op.getOperation()), options);
  if (succeeded(tiled))
    b.replaceOp(op, tiled->replacements);
  return tiled;
}

Value dlc::blockReductionAndRegisters(RewriterBase &b, linalg::GenericOp op,
                                      unsigned reduction,
                                      ArrayRef<int64_t> sizes,
                                      ArrayRef<int64_t> interchange) {
  constexpr int64_t kBlock = 256;
  SmallVector<int64_t> blocks(op.getNumLoops(), 0);
  blocks[reduction] = kBlock;
  FailureOr<scf::SCFTilingResult> tiled = tileAndReplace(b, op, blocks);
  if (failed(tiled))
    return op.getResult(0);
  blockRegisters(b, cast<linalg::GenericOp>(tiled->tiledOps.front()), sizes,
                 interchange);
  b.setInsertionPointAfterValue(tiled->replacements.front());
  return tiled->replacements.front();
}

Value dlc::blockRegisters(RewriterBase &b, linalg::GenericOp op,
                          ArrayRef<int64_t> sizes,
                          ArrayRef<int64_t> interchange) {
  FailureOr<scf::SCFTilingResult> tiled =
      tileAndReplace(b, op, sizes, interchange);
  if (failed(tiled))
    return op.getResult(0);
  for (Operation *tile : tiled->tiledOps)
    vectorizeRegisterBlock(b, tile);
  b.setInsertionPointAfterValue(tiled->replacements.front());
  return tiled->replacements.front();
}
