// The one operator list (kernels/ops/op_list.inc) and what it feeds: every listed operator is bound by
// the registry under its own name, and every one of them refuses a malformed node (no inputs, no
// outputs, omitted inputs) with an error instead of crashing, on the reference path and on every fast
// path this CPU has. (That each listed operator computes what TFLite computes is checked by the
// TFLite-generated models of tests/op_models/ and by tests/op_models/check_coverage.py.)
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "kernels/engine/registry.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

std::vector<Isa> isas_here() {
  std::vector<Isa> v = {Isa::kReference};
  for (Isa isa : fast_isas())
    if (cpu_has(isa)) v.push_back(isa);
  return v;
}

OpHarness harness_for(const OpInfo& op) {
  return op.custom ? OpHarness(op.name) : OpHarness(static_cast<OpCode>(op.code));
}

TEST(OpList, EveryEntryIsBoundByTheRegistryUnderItsName) {
  std::set<std::string> names;
  for (const OpInfo& op : supported_ops()) {
    EXPECT_TRUE(names.insert(op.name).second) << op.name << " is listed twice";
    EXPECT_FALSE(op.types.empty()) << op.name;
    Node n;
    n.builtin = op.code;
    n.op_name = op.custom ? op.name : builtin_name(op.code);
    EXPECT_EQ(n.op_name, op.name);
    EXPECT_EQ(find_node_prepare(n), op.prepare) << op.name;
  }
  EXPECT_EQ(find_prepare(static_cast<int32_t>(OpCode::kCustom)), nullptr);
  EXPECT_EQ(find_custom_prepare("NoSuchCustomOp"), nullptr);
}

TEST(OpList, EveryOperatorRefusesANodeWithoutInputsOrOutputs) {
  for (const OpInfo& op : supported_ops()) {
    for (Isa isa : isas_here()) {
      OpHarness h = harness_for(op);
      h.set_isa(isa);
      Status s = h.prepare();
      EXPECT_FALSE(s.ok()) << op.name << " on " << isa_name(isa) << " accepted a node with no inputs or outputs";
      EXPECT_FALSE(s.message().empty()) << op.name;
      EXPECT_EQ(s.message().find('\n'), std::string::npos) << op.name << ": " << s.message();
    }
  }
}

TEST(OpList, EveryOperatorRefusesOmittedRequiredInputs) {
  // Eight omitted (-1) inputs and one float output: whatever the op needs first is missing.
  for (const OpInfo& op : supported_ops()) {
    OpHarness h = harness_for(op);
    for (int i = 0; i < 8; ++i) h.add_omitted_input();
    h.add_output(DType::kFloat32);
    Status s = h.prepare();
    EXPECT_FALSE(s.ok()) << op.name << " accepted a node whose inputs are all omitted";
  }
}

}  // namespace
}  // namespace eb::testing
