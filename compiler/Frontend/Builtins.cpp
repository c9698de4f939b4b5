//===- Builtins.cpp - The ops and optimizers of the .net language ---------===//

#include "compiler/Frontend/Builtins.h"

#include "llvm/ADT/STLExtras.h"

using namespace dlc;

llvm::StringRef dlc::describe(Kind kind) {
  switch (kind) {
  case Kind::Tensor: return "a tensor";
  case Kind::Loss: return "a loss";
  case Kind::Int: return "an integer";
  case Kind::Float: return "a number";
  case Kind::Bool: return "true or false";
  case Kind::String: return "a string";
  }
  return "a value";
}

bool dlc::accepts(Kind expected, Kind actual) {
  return expected == actual || (expected == Kind::Float && actual == Kind::Int);
}

namespace {
constexpr Kind T = Kind::Tensor, I = Kind::Int, F = Kind::Float, B = Kind::Bool;

const std::vector<BuiltinSpec> &ops() {
  static const std::vector<BuiltinSpec> table = [] {
    using S = BuiltinSpec;
    std::vector<S> v;
    auto layer = [&](llvm::StringRef name, std::vector<ArgSpec> args,
                     llvm::StringRef example, bool hasParams = false) {
      v.push_back(S{name, std::move(args), S::Layer, hasParams, false, example});
    };
    layer("conv2d",
          {{"x", T}, {"out", I}, {"kernel", I}, {"stride", I, 1}, {"pad", I, 0},
           {"dilation", I, 1}, {"groups", I, 1}, {"bias", B, 1}},
          "conv2d(x, 64, kernel=3, pad=1)", true);
    layer("conv_transpose2d",
          {{"x", T}, {"out", I}, {"kernel", I}, {"stride", I, 1}, {"pad", I, 0},
           {"bias", B, 1}},
          "conv_transpose2d(x, 64, kernel=2, stride=2)", true);
    layer("upconv", {{"x", T}, {"out", I}, {"bias", B, 1}}, "upconv(x, 64)",
          true);
    layer("dense", {{"x", T}, {"out", I}, {"bias", B, 1}}, "dense(x, 10)", true);
    layer("batchnorm", {{"x", T}, {"eps", F, 1e-5}, {"momentum", F, 0.1}},
          "batchnorm(x)", true);
    for (llvm::StringRef act : {"relu", "sigmoid", "tanh", "flatten",
                                "global_avgpool"})
      layer(act, {{"x", T}}, "");
    layer("leaky_relu", {{"x", T}, {"alpha", F, 0.01}}, "leaky_relu(x, 0.2)");
    layer("maxpool", {{"x", T}, {"k", I}, {"stride", I, {}, "k"}, {"pad", I, 0}},
          "maxpool(x, 2)");
    layer("avgpool", {{"x", T}, {"k", I}, {"stride", I, {}, "k"}, {"pad", I, 0}},
          "avgpool(x, 2)");
    layer("dropout", {{"x", T}, {"p", F, 0.5}}, "dropout(x, 0.5)");
    layer("softmax", {{"x", T}, {"axis", I, 1}}, "softmax(x)");
    v.push_back(S{"concat", {{"axis", I, 1}}, S::Layer, false, true,
                  "concat(a, b, axis=1)"});
    for (llvm::StringRef loss : {"cross_entropy", "mse", "l1",
                                 "bce_with_logits", "dice"})
      v.push_back(S{loss, {{"input", T}, {"target", T}}, S::Loss, false, false,
                    ""});
    return v;
  }();
  return table;
}

const std::vector<BuiltinSpec> &optimizers() {
  static const std::vector<BuiltinSpec> table = [] {
    using S = BuiltinSpec;
    // PyTorch's defaults; betas are spelled beta1 and beta2.
    std::vector<ArgSpec> adam = {{"lr", F, 1e-3},  {"beta1", F, 0.9},
                                 {"beta2", F, 0.999}, {"eps", F, 1e-8},
                                 {"weight_decay", F, 0}};
    std::vector<ArgSpec> adamw = adam;
    adamw.back().defaultValue = 1e-2;
    return std::vector<S>{
        S{"sgd",
          {{"lr", F, 1e-3}, {"momentum", F, 0}, {"dampening", F, 0},
           {"weight_decay", F, 0}, {"nesterov", B, 0}},
          S::Optimizer, false, false, "sgd(lr=0.1, momentum=0.9)"},
        S{"adam", adam, S::Optimizer, false, false, "adam(lr=1e-3)"},
        S{"adamw", adamw, S::Optimizer, false, false, "adamw(lr=1e-3)"}};
  }();
  return table;
}

const BuiltinSpec *find(const std::vector<BuiltinSpec> &table,
                        llvm::StringRef name) {
  auto it = llvm::find_if(table, [&](const BuiltinSpec &s) { return s.name == name; });
  return it == table.end() ? nullptr : &*it;
}

std::vector<llvm::StringRef> names(const std::vector<BuiltinSpec> &table) {
  std::vector<llvm::StringRef> out;
  for (const BuiltinSpec &s : table)
    out.push_back(s.name);
  return out;
}
} // namespace

const BuiltinSpec *dlc::lookupOp(llvm::StringRef name) { return find(ops(), name); }
const BuiltinSpec *dlc::lookupOptimizer(llvm::StringRef name) {
  return find(optimizers(), name);
}
std::vector<llvm::StringRef> dlc::allOpNames() { return names(ops()); }
std::vector<llvm::StringRef> dlc::allOptimizerNames() { return names(optimizers()); }
