//! The generator's peak of heap bytes: a counting wrapper around the global allocator, so the
//! bench can say which part of the peak resident set is allocated data (it grows with the
//! document) and which is the process's fixed cost (executable, stacks, the allocator's own
//! reserve).
//!
//! Counting costs an atomic operation on one shared counter per allocation (it slows a
//! generation down by half, from every formatting thread), so it is off unless the bench asks
//! for it (`XTASK_COUNT_HEAP`, see `process.rs`), in a run of its own that is not timed: then
//! `xtask` turns it on before it does anything else.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Wraps `Inner`; counts live bytes and their peak while [`PeakCountingAllocator::start_counting`]
/// has been called.
pub struct PeakCountingAllocator<Inner> {
    inner: Inner,
    counting: AtomicBool,
    live_bytes: AtomicUsize,
    peak_bytes: AtomicUsize,
}

impl<Inner> PeakCountingAllocator<Inner> {
    pub const fn new(inner: Inner) -> Self {
        PeakCountingAllocator {
            inner,
            counting: AtomicBool::new(false),
            live_bytes: AtomicUsize::new(0),
            peak_bytes: AtomicUsize::new(0),
        }
    }

    /// From now on, allocations are counted (those made before are not, nor their frees: the
    /// live count saturates at zero).
    pub fn start_counting(&self) {
        self.counting.store(true, Ordering::Relaxed);
    }

    /// The largest number of bytes allocated at once since counting started.
    pub fn peak_bytes(&self) -> usize {
        self.peak_bytes.load(Ordering::Relaxed)
    }

    fn allocated(&self, size: usize) {
        if self.counting.load(Ordering::Relaxed) {
            let live = self.live_bytes.fetch_add(size, Ordering::Relaxed) + size;
            // A write only when the peak grows, so the threads do not fight over its cache line.
            if live > self.peak_bytes.load(Ordering::Relaxed) {
                self.peak_bytes.fetch_max(live, Ordering::Relaxed);
            }
        }
    }

    fn freed(&self, size: usize) {
        if self.counting.load(Ordering::Relaxed) {
            // An allocation made before counting started may be freed after it.
            let _ = self
                .live_bytes
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |live| {
                    Some(live.saturating_sub(size))
                });
        }
    }
}

// SAFETY: every call is forwarded to `inner` with the same arguments; the counters do not touch
// the memory.
unsafe impl<Inner: GlobalAlloc> GlobalAlloc for PeakCountingAllocator<Inner> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let pointer = unsafe { self.inner.alloc(layout) };
        if !pointer.is_null() {
            self.allocated(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let pointer = unsafe { self.inner.alloc_zeroed(layout) };
        if !pointer.is_null() {
            self.allocated(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { self.inner.dealloc(pointer, layout) };
        self.freed(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let moved = unsafe { self.inner.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            self.freed(layout.size());
            self.allocated(new_size);
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn the_peak_is_the_most_bytes_alive_at_once_and_nothing_before_counting_starts() {
        let allocator = PeakCountingAllocator::new(System);
        let before = Layout::from_size_align(1000, 8).unwrap();
        let small = Layout::from_size_align(100, 8).unwrap();
        let large = Layout::from_size_align(4096, 16).unwrap();
        unsafe {
            let early = allocator.alloc(before);
            allocator.start_counting();
            let first = allocator.alloc(small);
            let second = allocator.alloc_zeroed(large);
            assert_eq!(allocator.peak_bytes(), 4196);
            allocator.dealloc(second, large);
            // Freed before counting was on: not below zero, no effect on the peak.
            allocator.dealloc(early, before);
            let grown = allocator.realloc(first, small, 3000);
            assert_eq!(allocator.peak_bytes(), 4196);
            let grown = allocator.realloc(grown, Layout::from_size_align(3000, 8).unwrap(), 5000);
            assert_eq!(allocator.peak_bytes(), 5000);
            allocator.dealloc(grown, Layout::from_size_align(5000, 8).unwrap());
        }
    }
}
