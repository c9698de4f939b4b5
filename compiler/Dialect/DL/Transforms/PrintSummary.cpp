//===- PrintSummary.cpp - Keras-style table of layers and parameters ------===//

#include "compiler/Dialect/DL/IR/DLOps.h"
#include "compiler/Dialect/DL/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::dl {
#define GEN_PASS_DEF_PRINTSUMMARY
#include "compiler/Dialect/DL/Transforms/Passes.h.inc"
} // namespace mlir::dl

using namespace mlir;
using namespace mlir::dl;

namespace {

struct Row {
  std::string name, type, shape;
  int64_t params = 0;
  std::string paramNames;
  int64_t bytes = 0; // of the output, per sample
};

/// 61706 -> "61,706".
std::string withCommas(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string spellShape(Type type) {
  auto t = cast<ShapedType>(type);
  if (t.getRank() == 0)
    return "scalar";
  std::string s = "[";
  for (int64_t i = 0; i < t.getRank(); ++i) {
    if (i)
      s += ", ";
    s += t.isDynamicDim(i) ? "N" : std::to_string(t.getDimSize(i));
  }
  return s + "]";
}

/// The layer name MLIRGen attached; ops from arithmetic have none.
std::string layerName(Location loc) {
  while (true) {
    if (auto site = dyn_cast<CallSiteLoc>(loc))
      loc = site.getCallee();
    else if (auto name = dyn_cast<NameLoc>(loc))
      return name.getName().str();
    else
      return "-";
  }
}

int64_t numElements(Type type) {
  return cast<ShapedType>(type).getNumElements();
}

/// Bytes of one sample of a tensor (the batch counted as 1).
int64_t bytesPerSample(Type type) {
  auto t = cast<ShapedType>(type);
  int64_t n = (t.getElementTypeBitWidth() + 7) / 8;
  for (int64_t d : t.getShape())
    n *= ShapedType::isDynamic(d) ? 1 : d;
  return n;
}

/// 3145728 -> "3.0 MiB".
std::string humanBytes(int64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB"};
  double value = bytes;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return unit ? llvm::formatv("{0:F1} {1}", value, units[unit]).str()
              : std::to_string(bytes) + " B";
}

/// The most bytes per sample of tensors alive at once in `body`: inputs
/// and results from where they are made to their last use, in program
/// order (what inference needs before any reuse of memory).
int64_t peakLiveBytes(Block &body) {
  DenseMap<Operation *, int64_t> order;
  for (Operation &op : body)
    order[&op] = order.size();
  auto lastUse = [&](Value v) {
    int64_t last = -1;
    for (Operation *user : v.getUsers())
      last = std::max(last, order.lookup(body.findAncestorOpInBlock(*user)));
    return last;
  };
  // [first, last] and bytes of each tensor; inputs are alive from the start.
  SmallVector<std::tuple<int64_t, int64_t, int64_t>> lives;
  for (BlockArgument arg : body.getArguments())
    if (cast<func::FuncOp>(body.getParentOp())
            .getArgAttr(arg.getArgNumber(), DLDialect::kInputAttr))
      lives.push_back({-1, lastUse(arg), bytesPerSample(arg.getType())});
  for (Operation &op : body)
    for (Value r : op.getResults())
      if (isa<ShapedType>(r.getType()))
        lives.push_back({order[&op], std::max(order[&op], lastUse(r)),
                         bytesPerSample(r.getType())});
  int64_t peak = 0;
  for (int64_t at = -1; at < int64_t(order.size()); ++at) {
    int64_t live = 0;
    for (auto [first, last, bytes] : lives)
      if (first <= at && at <= last)
        live += bytes;
    peak = std::max(peak, live);
  }
  return peak;
}

} // namespace

LogicalResult mlir::dl::printSummary(ModuleOp module, raw_ostream &os) {
  auto forward = module.lookupSymbol<func::FuncOp>(kForwardFunc);
  if (!forward || forward.isExternal())
    return module.emitError("dl-print-summary needs a @forward function");

  std::vector<Row> rows;
  int64_t trainable = 0, buffers = 0;
  for (BlockArgument arg : forward.getArguments()) {
    if (auto input = forward.getArgAttrOfType<StringAttr>(
            arg.getArgNumber(), DLDialect::kInputAttr))
      rows.push_back({input.str(), "input", spellShape(arg.getType()), 0, "",
                      bytesPerSample(arg.getType())});
  }
  forward.walk([&](Operation *op) {
    if (!isa<DLDialect>(op->getDialect()))
      return;
    Row row{layerName(op->getLoc()),
            op->getName().stripDialect().str(),
            spellShape(op->getResult(0).getType()),
            0,
            "",
            bytesPerSample(op->getResult(0).getType())};
    std::vector<std::string> names;
    for (Value operand : op->getOperands()) {
      auto arg = dyn_cast<BlockArgument>(operand);
      if (!arg || arg.getOwner()->getParentOp() != forward)
        continue;
      unsigned i = arg.getArgNumber();
      if (auto p = forward.getArgAttrOfType<StringAttr>(i, DLDialect::kParamAttr)) {
        row.params += numElements(arg.getType());
        names.push_back(p.str());
      } else if (auto b = forward.getArgAttrOfType<StringAttr>(
                     i, DLDialect::kBufferAttr)) {
        buffers += numElements(arg.getType());
        names.push_back(b.str());
      }
    }
    trainable += row.params;
    row.paramNames = llvm::join(names, ", ");
    rows.push_back(std::move(row));
  });

  size_t nameWidth = 12, shapeWidth = 12, countWidth = 7, bytesWidth = 11;
  for (const Row &r : rows) {
    nameWidth = std::max(nameWidth, r.name.size() + r.type.size() + 3);
    shapeWidth = std::max(shapeWidth, r.shape.size());
    countWidth = std::max(countWidth, withCommas(r.params).size());
    bytesWidth = std::max(bytesWidth, humanBytes(r.bytes).size());
  }
  auto line = [&](char c) {
    os << std::string(nameWidth + shapeWidth + countWidth + bytesWidth + 8 + 24,
                      c)
       << "\n";
  };
  os << "Network: " << (module.getSymName() ? *module.getSymName() : "-")
     << "\n";
  line('_');
  os << llvm::left_justify("Layer (type)", nameWidth) << "  "
     << llvm::left_justify("Output shape", shapeWidth) << "  "
     << llvm::right_justify("Param #", countWidth) << "  "
     << llvm::right_justify("Activations", bytesWidth) << "  Parameters\n";
  line('=');
  for (const Row &r : rows)
    os << llvm::left_justify(r.name + " (" + r.type + ")", nameWidth) << "  "
       << llvm::left_justify(r.shape, shapeWidth) << "  "
       << llvm::right_justify(withCommas(r.params), countWidth) << "  "
       << llvm::right_justify(humanBytes(r.bytes), bytesWidth) << "  "
       << r.paramNames << "\n";
  line('=');
  os << "Buffers (running statistics, not counted): " << withCommas(buffers)
     << "\n";
  os << "Total params: " << withCommas(trainable) << "\n";
  os << "Peak activations: "
     << humanBytes(peakLiveBytes(forward.getBody().front()))
     << " per sample (inference, the tensors alive at once)\n";
  return success();
}

namespace {
struct PrintSummaryPass : mlir::dl::impl::PrintSummaryBase<PrintSummaryPass> {
  void runOnOperation() override {
    if (failed(printSummary(getOperation(), llvm::outs())))
      signalPassFailure();
  }
};
} // namespace
