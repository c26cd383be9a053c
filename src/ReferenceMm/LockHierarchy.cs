using LockContracts;

// The hierarchy of the model, outermost first. It follows the kernel: i_rwsem, then the
// invalidate (mmap) lock, then the hugetlb fault mutex, then the page lock; the extent map lock
// (XFS ILOCK) is taken under the page lock by writeback; the page-table lock nests inside both;
// the page-cache (xarray) lock and the allocator are leaves.
[assembly: LockOrder(
    "Inode.Rwsem",
    "Inode.InvalidateLock",
    "FaultMutex",
    "Page.Lock",
    "Inode.ExtentLock",
    "PageTable.Ptl",
    "AddressSpace.Lock",
    "BlockAllocator.Lock",
    "FileSystem.Lists")]
