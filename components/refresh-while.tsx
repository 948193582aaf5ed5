'use client';
import { useEffect } from 'react';
import { useRouter } from 'next/navigation';

/** Refreshes the page every `ms` while it is mounted: a section waiting for a background job. */
export function RefreshWhile({ ms = 3000 }: { ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), ms);
    return () => clearInterval(timer);
  }, [ms, router]);
  return null;
}
