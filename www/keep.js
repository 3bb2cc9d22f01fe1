// What the app kept beside each record before the Device kept evidence itself (sealed, see
// Device.evidence): the handwritten signature's PNG and the document as picked, in the app's
// own IndexedDB database, unencrypted. Read only now, for the records signed then.

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
