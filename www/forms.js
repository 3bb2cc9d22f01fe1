// The form this app signs, and what it requires before "Sign" does anything. A deployment
// edits `require` (e.g. a photo for every delivery); the sign screen marks the required parts
// and refuses, next to the part, to sign without them.

/** The delivery receipt: its fields are signed as the document when no file is picked. */
export const DELIVERY_RECEIPT = {
  /** The record's document name when the form itself is the document. */
  documentName: 'delivery-receipt.json',
  /** The fields, in the order they are signed and shown. */
  fields: ['recipient', 'reference', 'notes'],
  require: {
    /** A handwritten signature on the pad. */
    signature: true,
    /** The recipient's name. */
    recipient: true,
    /** A photo or document picked with the file field. */
    photo: false,
    /** The device's location (then "Add my location" is ticked and cannot be unticked). */
    location: false,
  },
};
