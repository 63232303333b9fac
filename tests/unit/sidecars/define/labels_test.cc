#include "run_anvil/sidecars/define/labels.h"

#include <gtest/gtest.h>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {

struct Labelled {
  LabelMap labels;
};

TEST(Labels, AnAbsentLabelReadsAsEmpty) {
  Labelled c{{{kLabelName, "db"}}};
  EXPECT_EQ(label_of(c, kLabelName), "db");
  EXPECT_EQ(label_of(c, kLabelHash), "");
}

TEST(Labels, ManagedMeansOurManagedByValueNothingElse) {
  EXPECT_TRUE(is_managed(Labelled{{{kLabelManagedBy, kManagedByValue}}}));
  EXPECT_FALSE(is_managed(Labelled{{{kLabelManagedBy, "compose"}}}));
  EXPECT_FALSE(is_managed(Labelled{{{kLabelName, "db"}}}));
  EXPECT_FALSE(is_managed(LabelMap{}));
}

}  // namespace
}  // namespace run_anvil::sidecars
