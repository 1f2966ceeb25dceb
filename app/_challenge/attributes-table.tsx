import { ATTRIBUTES, CLASSES, NA, type Attribute } from "@/lib/challenge/definition";

export const ATTRIBUTE_TITLES: Record<Attribute, string> = { Gender: "Gender", Hair_Color: "Hair colour", Hair_Type: "Hair type" };

const WHAT: Record<Attribute, string> = {
  Gender: "The apparent gender as annotated. Always known.",
  Hair_Color: "Bald counts as a colour. Unknown when a hat, a hand or the crop hides the hair.",
  Hair_Type: "Bald counts as a type too. Unknown more often than colour.",
};

/** The three attributes, their classes, and which rows are not scored. */
export function AttributesTable() {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">Attributes to predict and their classes</caption>
        <thead className="border-b border-stone-300 text-stone-600">
          <tr>
            <th scope="col" className="py-2 pr-4">
              Attribute (CSV column)
            </th>
            <th scope="col" className="py-2 pr-4">
              Classes you predict
            </th>
            <th scope="col" className="py-2">
              Notes
            </th>
          </tr>
        </thead>
        <tbody>
          {ATTRIBUTES.map((a) => (
            <tr key={a} className="border-b border-stone-200 align-top">
              <td className="py-2 pr-4 font-medium">
                {ATTRIBUTE_TITLES[a]} <span className="block font-mono text-xs font-normal text-stone-500">{a}</span>
              </td>
              <td className="py-2 pr-4 font-mono">{CLASSES[a].join(", ")}</td>
              <td className="py-2 text-stone-700">
                {WHAT[a]}
                {a !== "Gender" && (
                  <>
                    {" "}
                    Rows labelled <code>{NA}</code> are not scored for this attribute.
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
