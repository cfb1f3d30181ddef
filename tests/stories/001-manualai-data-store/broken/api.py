"""ManualAi API: upload a manual, ask questions about it."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from fastapi import BackgroundTasks, FastAPI, File, HTTPException, UploadFile
from langchain_community.vectorstores import FAISS
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from document_loader import STORE_DIR, load_manual

UPLOAD_DIR = STORE_DIR / "uploads"
INDEX_DIR = STORE_DIR / "indexes"
INGESTION_TIMEOUT = int(os.getenv("MANUAL_INGESTION_TIMEOUT", "120"))

app = FastAPI(title="ManualAi")
status: dict[str, str] = {}


def ingest(manual_id: str, pdf: Path) -> None:
    status[manual_id] = "indexing"
    try:
        chunks = load_manual(pdf)
        store = FAISS.from_texts(
            [c["text"] for c in chunks], OpenAIEmbeddings(), metadatas=chunks
        )
        store.save_local(str(INDEX_DIR / manual_id))
        status[manual_id] = "ready"
    except Exception as exc:
        status[manual_id] = f"failed: {exc}"


@app.get("/")
def root() -> dict[str, str]:
    return {"service": "ManualAi", "status": "ok"}


@app.post("/manuals", status_code=202)
def upload(background_tasks: BackgroundTasks, file: UploadFile = File(...)) -> dict[str, str]:
    manual_id = uuid.uuid4().hex[:12]
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    pdf = UPLOAD_DIR / f"{manual_id}.pdf"
    with pdf.open("wb") as out:
        shutil.copyfileobj(file.file, out)
    status[manual_id] = "queued"
    background_tasks.add_task(ingest, manual_id, pdf)
    return {"manual_id": manual_id}


@app.get("/manuals/{manual_id}")
def manual_status(manual_id: str) -> dict[str, str]:
    if manual_id not in status:
        raise HTTPException(404, "unknown manual")
    return {"manual_id": manual_id, "status": status[manual_id]}


@app.post("/manuals/{manual_id}/ask")
def ask(manual_id: str, question: str) -> dict[str, object]:
    if status.get(manual_id) != "ready":
        raise HTTPException(409, "manual not indexed yet")
    store = FAISS.load_local(
        str(INDEX_DIR / manual_id), OpenAIEmbeddings(), allow_dangerous_deserialization=True
    )
    docs = store.similarity_search(question, k=4)
    context = "\n\n".join(d.page_content for d in docs)
    llm = ChatOpenAI(model="gpt-4o-mini", timeout=30)
    answer = llm.invoke(f"Answer from this manual excerpt:\n{context}\n\nQuestion: {question}")
    return {"answer": answer.content, "pages": [d.metadata["page"] for d in docs]}
