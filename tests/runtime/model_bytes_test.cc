#include "kernels/model/model_bytes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

namespace eb {
namespace {

const size_t kPage = static_cast<size_t>(sysconf(_SC_PAGESIZE));

// Claims count per page: a page two constants share goes only when both let it go; pages nobody
// claimed go with release_unclaimed, the claimed ones stay readable with their bytes.
TEST(ModelBytes, PagesGoWhenTheirLastClaimGoes) {
  auto b = ModelBytes::allocate(5 * kPage + 100);
  ASSERT_TRUE(b.ok()) << b.status().message();
  ModelBytes& m = b.value();
  std::memset(m.data(), 7, m.size());
  const uint8_t* d = m.data();
  m.claim(d, 2 * kPage + 10);           // pages 0-2
  m.claim(d + 2 * kPage + 20, kPage);   // pages 2-3 (page 2 shared)
  m.claim(d + 5 * kPage + 50, 10);      // page 5
  EXPECT_FALSE(m.released());
  EXPECT_EQ(m.unclaim(d, 2 * kPage + 10), 2 * kPage);  // pages 0-1 go; page 2 is still claimed
  EXPECT_EQ(m.released_bytes(), 2 * kPage);
  EXPECT_EQ(m.data()[2 * kPage], 7);
  EXPECT_EQ(m.unclaim(d + 2 * kPage + 20, kPage), 2 * kPage);  // pages 2-3
  EXPECT_EQ(m.release_unclaimed(), kPage);                     // page 4: nobody claimed it
  EXPECT_EQ(m.data()[5 * kPage + 55], 7);                      // page 5 stays
  EXPECT_EQ(m.release_unclaimed(), 0u);
  EXPECT_EQ(m.unclaim(d, kPage), 0u);        // already given back
  EXPECT_EQ(m.unclaim(nullptr, 10), 0u);     // outside the buffer: ignored
  EXPECT_EQ(m.released_bytes(), 5 * kPage);
}

// A given-back page is not silently zero: reading it faults.
TEST(ModelBytesDeathTest, ReadingAGivenBackPageFaults) {
  auto b = ModelBytes::allocate(2 * kPage);
  ASSERT_TRUE(b.ok());
  ModelBytes& m = b.value();
  m.claim(m.data() + kPage, kPage);
  ASSERT_EQ(m.release_unclaimed(), kPage);
  const volatile uint8_t* p = m.data();
  EXPECT_DEATH((void)p[1], "");
  EXPECT_EQ(p[kPage + 1], 0);
}

}  // namespace
}  // namespace eb
