import { PageSkeleton } from "../page-skeleton";

export default function Loading() {
  return <PageSkeleton title="Download the data" what="the dataset files" rows={5} />;
}
