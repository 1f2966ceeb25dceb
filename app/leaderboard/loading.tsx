import { PageSkeleton } from "../page-skeleton";

export default function Loading() {
  return <PageSkeleton title="Leaderboard" what="the leaderboard" rows={8} />;
}
