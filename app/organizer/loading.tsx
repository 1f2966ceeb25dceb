import { PageSkeleton } from "../page-skeleton";

export default function Loading() {
  return <PageSkeleton title="Organizer dashboard" what="the queue, submissions and downloads" rows={8} />;
}
