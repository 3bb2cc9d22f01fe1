// What the app keeps beside each record, for the worker to look at again: the handwritten
// signature's PNG (the record holds only its digest) and the document as picked. In its own
// IndexedDB database, apart from the device's: nothing here is needed to verify or send.

const NAME = 'offsign-app';
const STORES = ['images', 'documents'];

let opening;

/** The app's database (version 2 added the documents). */
function database() {
  opening ??= new Promise((resolve, reject) => {
    const open = indexedDB.open(NAME, 2);
    open.onupgradeneeded = () => {
      for (const store of STORES) if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => { opening = undefined; reject(open.error); };
  });
  return opening;
}

/** Keeps the pad's PNG and the document (a Blob) of the record `id`, in one transaction. */
export async function keep(id, { image, document }) {
  const db = await database();
  await new Promise((resolve, reject) => {
    const tx = db.transaction(STORES, 'readwrite');
    if (image) tx.objectStore('images').put(image, id);
    if (document) tx.objectStore('documents').put(document, id);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** What was kept for the record `id`: `{ image, document }`, each possibly undefined. */
export async function kept(id) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORES, 'readonly');
    const found = {};
    tx.objectStore('images').get(id).onsuccess = (e) => { found.image = e.target.result; };
    tx.objectStore('documents').get(id).onsuccess = (e) => { found.document = e.target.result; };
    tx.oncomplete = () => resolve(found);
    tx.onerror = () => reject(tx.error);
  });
}
