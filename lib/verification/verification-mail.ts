import { compose } from "../mail/mail-templates";
import type { MailMessage } from "../mail/send-mail";

/** The e-mail that asks a leading participant for their code and model. */
export function verificationRequestMessage(options: { to: string; name: string; link: string; note: string }): MailMessage {
  return compose({
    to: options.to,
    subject: "Tiny Portraits: please send your code and model for verification",
    greeting: `Hello ${options.name},`,
    paragraphs: [
      "Your submission is among the leaders. Before the results are final, the organizers reproduce the leading scores: " +
        "please upload the code you trained with (a .zip or .tar.gz archive) and the model that produced the submission " +
        "(a model bundle, exactly like a model submission). The organizers run the model in the scoring sandbox and compare its score with yours.",
      ...(options.note ? [`A note from the organizers: ${options.note}`] : []),
    ],
    action: "Upload your files",
    link: options.link,
    after: "Only you can see this page. If you have questions, reply to the organizers' announcement address.",
  });
}
