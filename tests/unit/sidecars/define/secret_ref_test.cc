#include "run_anvil/sidecars/define/secret_ref.h"

#include <gtest/gtest.h>

namespace run_anvil::sidecars {
namespace {

TEST(SecretRef, ParsesEveryReferenceWithProviderRefAndOffsets) {
  auto refs = parse_secret_refs("u=${secret:env:PGUSER} p=${secret:op:vault/item:field}");
  ASSERT_TRUE(refs.has_value());
  ASSERT_EQ(refs->size(), 2u);
  EXPECT_EQ((*refs)[0].provider, "env");
  EXPECT_EQ((*refs)[0].ref, "PGUSER");
  EXPECT_EQ((*refs)[0].begin, 2u);
  EXPECT_EQ((*refs)[0].end, 22u);
  EXPECT_EQ((*refs)[1].provider, "op");
  EXPECT_EQ((*refs)[1].ref, "vault/item:field");
  EXPECT_EQ((*refs)[1].text(), "${secret:op:vault/item:field}");
}

TEST(SecretRef, RejectsMalformedReferences) {
  for (const char* bad : {"${secret:}", "${secret:env}", "${secret:env:}", "${secret:ENV:x}",
                          "${secret::x}", "${secret:env:x", "${secret:env:a\x01}"}) {
    EXPECT_FALSE(parse_secret_refs(bad).has_value()) << bad;
    EXPECT_TRUE(mentions_secret(bad)) << bad;
    EXPECT_TRUE(secret_refs(bad).empty()) << bad;
  }
}

TEST(SecretRef, PlainValuesHaveNoReferences) {
  EXPECT_FALSE(mentions_secret("plain ${HOME} value"));
  auto refs = parse_secret_refs("plain ${HOME} value");
  ASSERT_TRUE(refs.has_value());
  EXPECT_TRUE(refs->empty());
}

}  // namespace
}  // namespace run_anvil::sidecars
