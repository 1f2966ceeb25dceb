/**
 * The dataset terms every participant accepts before any download (docs/dataset.md: licence).
 *
 * Versioned: `version` is stored with each acceptance (TermsAcceptance.termsVersion). Any change
 * to the meaning of the text needs a new version string, which makes every participant accept
 * again before their next download; a typo fix that changes nothing may keep the version.
 * Kept as structured sections in code (not markdown) so the page renders it without a parser
 * and tests can check that the licence restrictions are present.
 */

export interface TermsSection {
  id: string;
  heading: string;
  paragraphs?: string[];
  /** Rendered as a bulleted list after the paragraphs. */
  items?: string[];
}

export interface TermsDocument {
  /** An ISO date: the day this text took effect. Compared as an opaque string. */
  version: string;
  title: string;
  /** One sentence shown above the text and next to the accept button. */
  summary: string;
  sections: TermsSection[];
}

export const CURRENT_TERMS: TermsDocument = {
  version: "2026-11-28",
  title: "Tiny Portraits dataset terms",
  summary:
    "The portraits are for this challenge and research only: do not copy, publish, share or sell them, do not try to identify anyone, delete them when you are done, and know that every download is logged.",
  sections: [
    {
      id: "scope",
      heading: "1. What these terms cover",
      paragraphs: [
        "These terms cover everything you download from or view on this platform that belongs to the Tiny Portraits dataset: the train and test archives, the portrait images in them, the attribute labels, the sample submission and the images shown in the data explorer, together with any copy, crop, resized version, tensor or cache you make from them.",
        "Until the organizers import the real data, the platform serves synthetic portraits in the same format. Treat them the same way: the terms do not change when the real images arrive.",
      ],
    },
    {
      id: "source",
      heading: "2. Where the images come from",
      paragraphs: [
        "Tiny Portraits is derived from CelebA (CelebFaces Attributes), a dataset of photographs of real, identifiable people collected by the Multimedia Laboratory of the Chinese University of Hong Kong. CelebA may only be used for non-commercial research and educational purposes, and its own terms apply to Tiny Portraits in addition to these.",
      ],
    },
    {
      id: "use",
      heading: "3. What you may do",
      items: [
        "Use the data to take part in this challenge and for non-commercial research.",
        "Keep the copies on your own machines that you need for that work.",
        "Publish your results: scores, metrics, plots of aggregate statistics, and descriptions of your methods and models.",
      ],
    },
    {
      id: "restrictions",
      heading: "4. What you must not do",
      items: [
        "Copy, publish, distribute, share, sell or sublicense the images or the labels, in whole or in part. This includes uploading them to public repositories, model hubs, dataset sites, cloud drives shared with others, or chat and social media services.",
        "Show individual portraits in papers, blog posts, talks or repositories, or publish generated images that reproduce training portraits.",
        "Use the data for any commercial purpose.",
        "Try to identify any person shown, or link a portrait to any other information about them.",
        "Try to recover the labels or the original image numbers of the test images: for example by matching them against CelebA's images or its public attribute file, by reverse image search, or by labelling test images by hand. Test images have opaque ids on purpose.",
        "Let anyone else use your account or your copy of the data: each participant accepts these terms and downloads for themselves.",
      ],
    },
    {
      id: "deletion",
      heading: "5. Deleting the data",
      paragraphs: [
        "Delete every copy of the images and labels, including caches and tensors made from them, when the challenge ends, when you stop taking part, or when the organizers ask you to. Your trained models, predictions and results are yours to keep.",
      ],
    },
    {
      id: "logging",
      heading: "6. Records we keep",
      paragraphs: [
        "Because the licence requires knowing who received the images, the platform records your acceptance of these terms (account, version, time and IP address) and every download (account, file, time, byte range, IP address and browser or client name). Organizers can see these records.",
        "Organizers may withdraw access and disqualify submissions of anyone who breaks these terms.",
      ],
    },
    {
      id: "changes",
      heading: "7. Changes to these terms",
      paragraphs: [
        "When the terms change they get a new version, and you will be asked to accept the new version before your next download. Data you downloaded earlier stays under the terms you accepted then, and under the new version once you accept it.",
        "The data is provided as it is, without any warranty.",
      ],
    },
  ],
};
