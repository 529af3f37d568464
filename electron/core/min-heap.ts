/**
 * A binary min-heap kept in a plain array (the smallest item at index 0), ordered by a numeric rank. The job book
 * finds its oldest finished job with it and the ledger its oldest finish time, each in O(log n) instead of a scan.
 */
export function heapPush<T>(heap: T[], item: T, rank: (item: T) => number): void {
  const r = rank(item);
  let index = heap.push(item) - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (rank(heap[parent]!) <= r) break;
    heap[index] = heap[parent]!;
    index = parent;
  }
  heap[index] = item;
}

/** Removes the smallest item (heap[0]). */
export function heapPop<T>(heap: T[], rank: (item: T) => number): void {
  const last = heap.pop();
  if (last === undefined || heap.length === 0) return;
  const r = rank(last);
  let index = 0;
  for (;;) {
    const left = index * 2 + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && rank(heap[right]!) < rank(heap[left]!) ? right : left;
    if (rank(heap[child]!) >= r) break;
    heap[index] = heap[child]!;
    index = child;
  }
  heap[index] = last;
}
