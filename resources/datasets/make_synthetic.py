# SYNTHETIC DATA GENERATOR: every patient, note and summary it writes is invented; none is real.
"""Write ``synthetic_notes.jsonl``: fictional clinical notes with "brief"-style reference summaries.

Standalone and deterministic (stdlib only): the same ``--seed`` and ``--count`` give the same bytes.
Each row is ``{"id", "specialty", "layout", "note", "summary"}``. Every fact in a summary (numbers,
units, drug names, doses) is copied from its note, so the summaries are extractive-faithful.

    python resources/datasets/make_synthetic.py --seed 0 --count 360

``--varied`` adds layouts the shipped file does not have — a telegraphic ED note full of abbreviations,
a dictated narrative, a templated EHR export with page headers and medication/lab tables, and a nursing
handoff — and gives each row a ``one_liner`` (who the patient is and why seen, in the note's own words)
and, for admissions, a ``course`` (the first sentences of the hospital course): the targets of the
narrative adapter (``scripts/train_narrative_adapter.py``). Without it the output is byte-identical to the
shipped ``synthetic_notes.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "synthetic_notes.jsonl"
LAYOUTS = ("soap", "hp", "narrative", "discharge", "consult")
VARIED_LAYOUTS = (*LAYOUTS, "telegraphic", "dictated", "ehr_export", "nursing_handoff")
LABEL = {"infectious_disease": "infectious disease"}

# A condition: dx, cc (chief complaint), hpi, neg (denied symptoms), exam, labs (name, unit, lo, hi,
# decimals), img (studies), meds (name, unit, doses, frequency), new (meds that may be started), plan,
# fu (follow-up intervals), course (hospital course, for admissions), vit (vital-sign ranges), kv (key
# vitals for the summary), side (laterality), sex, age, inpt (can be an admission).
C = dict

SPECIALTIES: dict[str, list[dict]] = {
    "cardiology": [
        C(dx="heart failure with reduced ejection fraction", cc="shortness of breath and leg swelling",
          hpi=["Breathless after walking one block", "sleeps on two pillows",
               "notes ankle swelling that is worse by evening"],
          neg=["chest pain", "syncope", "palpitations"],
          exam=["bibasilar crackles", "2+ pitting edema of both lower legs", "jugular venous distension"],
          labs=[("BNP", "pg/mL", 420, 1900, 0), ("creatinine", "mg/dL", 0.9, 1.8, 1),
                ("potassium", "mmol/L", 3.7, 5.1, 1), ("LVEF", "%", 20, 38, 0)],
          img=["Chest X-ray: small bilateral pleural effusions and cardiomegaly"],
          meds=[("furosemide", "mg", [20, 40, 80], "twice daily"), ("metoprolol succinate", "mg", [25, 50, 100],
                "daily"), ("lisinopril", "mg", [5, 10, 20], "daily")],
          new=[("dapagliflozin", "mg", [10], "daily"), ("spironolactone", "mg", [12.5, 25], "daily")],
          plan=["limit sodium to under 2 g per day", ("weigh every morning and call if weight rises by more than 1 kg "
                "in a day"), "repeat basic metabolic panel in 1 week", "refer to cardiac rehabilitation"],
          fu=["2 weeks", "4 weeks", "6 weeks"], inpt=True, kv=["bp", "hr", "wt"],
          course=["Diuresed with intravenous furosemide with good urine output",
                  "Net fluid balance was negative by several liters and breathing improved",
                  "Renal function was monitored daily and remained stable"]),
        C(dx="atrial fibrillation with rapid ventricular response", cc="palpitations and fatigue",
          hpi=["Racing, irregular heartbeat for several days", "tires easily climbing stairs"],
          neg=["chest pain", "syncope", "focal weakness"],
          exam=["irregularly irregular rhythm without murmur", "lungs clear to auscultation"],
          labs=[("TSH", "mIU/L", 0.6, 3.9, 2), ("hemoglobin", "g/dL", 11.8, 15.2, 1),
                ("CHA2DS2-VASc score", "", 2, 5, 0)],
          img=["ECG: atrial fibrillation with rapid ventricular response, no acute ST changes"],
          meds=[("diltiazem ER", "mg", [120, 180, 240], "daily"), ("atorvastatin", "mg", [20, 40], "daily")],
          new=[("apixaban", "mg", [5], "twice daily"), ("metoprolol tartrate", "mg", [25, 50], "twice daily")],
          plan=["outpatient transthoracic echocardiogram", "48-hour Holter monitor",
                "discussed bleeding risk of anticoagulation", "avoid alcohol binges"],
          fu=["2 weeks", "1 month"], inpt=True, vit={"hr": (104, 136)}, kv=["hr", "bp"],
          course=["Rate controlled with intravenous diltiazem and then oral agents",
                  "Anticoagulation was started after shared decision-making"]),
        C(dx="stable angina", cc="chest tightness with exertion",
          hpi=["Pressure-like chest tightness after walking uphill", "resolves with rest within 5 minutes"],
          neg=["rest pain", "syncope", "orthopnea"],
          exam=["regular rate and rhythm, no murmur", "no peripheral edema"],
          labs=[("LDL cholesterol", "mg/dL", 112, 188, 0), ("HbA1c", "%", 5.4, 6.4, 1),
                ("high-sensitivity troponin", "ng/L", 2, 9, 0)],
          img=["Exercise stress test: 1.5 mm horizontal ST depression at peak exercise"],
          meds=[("atorvastatin", "mg", [20, 40, 80], "daily"), ("amlodipine", "mg", [5, 10], "daily"),
                ("aspirin", "mg", [81], "daily")],
          new=[("nitroglycerin", "mg", [0.4], "sublingual as needed for chest pain"),
               ("metoprolol succinate", "mg", [25], "daily")],
          plan=["coronary CT angiography", "smoking cessation counseling", "call 911 for chest pain at rest"],
          fu=["4 weeks", "3 months"], vit={"sys": (138, 158)}, kv=["bp", "hr"]),
    ],
    "pulmonology": [
        C(dx="COPD exacerbation", cc="worsening cough and breathlessness",
          hpi=["Increased sputum that is now yellow-green", "using the rescue inhaler several times a day"],
          neg=["fever", "chest pain", "hemoptysis"],
          exam=["diffuse expiratory wheezes", "prolonged expiratory phase"],
          labs=[("FEV1", "% predicted", 32, 62, 0), ("WBC", "K/uL", 7.2, 13.8, 1),
                ("blood eosinophils", "cells/uL", 100, 450, 0)],
          img=["Chest X-ray: hyperinflation without focal consolidation"],
          meds=[("tiotropium", "mcg", [18], "inhaled daily"), ("albuterol", "mcg", [90],
                "2 puffs every 4 to 6 hours as needed")],
          new=[("prednisone", "mg", [40], "daily for 5 days"), ("azithromycin", "mg", [250], "daily for 5 days")],
          plan=["refer to pulmonary rehabilitation", "smoking cessation counseling", "review inhaler technique"],
          fu=["2 weeks", "4 weeks"], inpt=True, vit={"spo2": (88, 92), "rr": (20, 26)}, kv=["spo2", "rr"],
          course=["Treated with nebulized bronchodilators and oral steroids",
                  "Supplemental oxygen was weaned to room air before discharge"]),
        C(dx="moderate persistent asthma", cc="night-time cough and wheeze",
          hpi=["Wakes with cough three nights a week", "symptoms worse with cold air and exercise"],
          neg=["fever", "weight loss", "chest pain"],
          exam=["scattered end-expiratory wheezes", "no accessory muscle use"],
          labs=[("FeNO", "ppb", 28, 72, 0), ("FEV1", "% predicted", 62, 84, 0)],
          img=["Spirometry: obstructive pattern with significant bronchodilator response"],
          meds=[("budesonide-formoterol", "mcg", ["80/4.5", "160/4.5"], "2 puffs twice daily"),
                ("albuterol", "mcg", [90], "2 puffs every 4 to 6 hours as needed")],
          new=[("montelukast", "mg", [10], "nightly")],
          plan=["written asthma action plan given", "check inhaler technique", "avoid known triggers"],
          fu=["6 weeks", "3 months"], kv=["spo2", "hr"]),
        C(dx="{side} lower lobe community-acquired pneumonia", cc="fever and productive cough",
          hpi=["Fever and chills for three days", "cough productive of rusty sputum", "{side}-sided pleuritic pain"],
          neg=["hemoptysis", "leg swelling", "recent travel"],
          exam=["crackles over the {side} lower lung field", "bronchial breath sounds at the {side} base"],
          labs=[("WBC", "K/uL", 11.5, 19.5, 1), ("CRP", "mg/L", 48, 190, 0), ("procalcitonin", "ng/mL", 0.3, 3.0, 2)],
          img=["Chest X-ray: {side} lower lobe consolidation"],
          meds=[("lisinopril", "mg", [10, 20], "daily")], inc=[],
          new=[("amoxicillin-clavulanate", "mg", [875], "twice daily for 7 days"),
               ("doxycycline", "mg", [100], "twice daily for 7 days")],
          plan=["repeat chest X-ray in 6 weeks", "return for worsening breathlessness", "encourage fluids and rest"],
          fu=["1 week", "2 weeks"], inpt=True, vit={"temp": (38.1, 39.4), "spo2": (90, 94), "rr": (20, 26)},
          kv=["temp", "spo2"], course=["Treated with intravenous ceftriaxone and azithromycin",
                                       "Fever resolved by the second hospital day"]),
        C(dx="obstructive sleep apnea", cc="loud snoring and daytime sleepiness",
          hpi=["Partner reports witnessed apneas", "falls asleep while reading"],
          neg=["cataplexy", "morning headaches", "leg kicking at night"],
          exam=["neck circumference 44 cm", "crowded oropharynx"],
          labs=[("apnea-hypopnea index", "events/hour", 16, 52, 0), ("Epworth Sleepiness Scale", "/24", 11, 19, 0)],
          img=["Home sleep study: moderate to severe obstructive sleep apnea"],
          meds=[("amlodipine", "mg", [5, 10], "daily")], new=[],
          plan=["start CPAP at auto-titrating pressure", "avoid driving when drowsy", "weight loss counseling"],
          fu=["6 weeks", "3 months"], kv=["bp", "wt"]),
    ],
    "endocrinology": [
        C(dx="type 2 diabetes with hyperglycemia", cc="rising blood sugars",
          hpi=["Home fasting glucose readings mostly above target", "adherent to metformin"],
          neg=["hypoglycemic episodes", "blurred vision", "foot ulcers"],
          exam=["monofilament sensation reduced at both great toes", "no foot ulcers or calluses"],
          labs=[("HbA1c", "%", 7.6, 10.8, 1), ("fasting glucose", "mg/dL", 142, 258, 0),
                ("eGFR", "mL/min/1.73m2", 58, 96, 0), ("urine albumin-creatinine ratio", "mg/g", 12, 180, 0)],
          img=["Retinal screening: no diabetic retinopathy"],
          meds=[("metformin", "mg", [500, 1000], "twice daily"), ("insulin glargine", "units", [14, 20, 26, 32],
                "at bedtime")],
          new=[("empagliflozin", "mg", [10], "daily"), ("semaglutide", "mg", [0.25], "subcutaneously weekly")],
          plan=["diabetes education referral", "annual dilated eye exam", "check fingerstick glucose twice daily"],
          fu=["3 months"], kv=["bp", "wt"]),
        C(dx="primary hypothyroidism", cc="fatigue and cold intolerance",
          hpi=["Fatigue for two months", "dry skin and constipation"], neg=["palpitations", "tremor", "neck swelling"],
          exam=["thyroid not enlarged", "delayed relaxation of ankle reflexes"],
          labs=[("TSH", "mIU/L", 6.5, 18.0, 1), ("free T4", "ng/dL", 0.52, 0.79, 2)],
          img=[], meds=[("levothyroxine", "mcg", [50, 75, 88, 100, 112, 125], "daily")], new=[], inc_p=1.0,
          plan=["take levothyroxine on an empty stomach", "recheck TSH in 6 weeks"], fu=["6 weeks", "8 weeks"],
          kv=["hr", "wt"]),
        C(dx="Graves disease", cc="weight loss and palpitations",
          hpi=["Unintentional weight loss over two months", "heat intolerance and tremor"],
          neg=["eye pain", "double vision", "neck pain"],
          exam=["diffusely enlarged non-tender thyroid", "fine tremor of outstretched hands"],
          labs=[("free T4", "ng/dL", 2.1, 4.5, 1), ("TSI", "%", 180, 420, 0)],
          img=["Thyroid uptake scan: diffuse increased uptake"],
          meds=[("methimazole", "mg", [5, 10, 20], "daily")], new=[("propranolol", "mg", [20], "three times daily")],
          plan=["CBC and liver tests if fever or sore throat", "discussed radioactive iodine as an option"],
          fu=["4 weeks", "6 weeks"], vit={"hr": (98, 118)}, kv=["hr", "wt"]),
        C(dx="diabetic ketoacidosis", cc="vomiting and abdominal pain",
          hpi=["Missed insulin doses for two days", "polyuria and thirst"], neg=["fever", "diarrhea", "chest pain"],
          exam=["dry mucous membranes", "Kussmaul respirations"],
          labs=[("glucose", "mg/dL", 380, 620, 0), ("bicarbonate", "mmol/L", 8, 15, 0), ("anion gap", "mmol/L", 20, 30, 0),
                ("beta-hydroxybutyrate", "mmol/L", 3.5, 8.0, 1)],
          img=[], meds=[("insulin glargine", "units", [18, 24, 30], "at bedtime"),
                        ("insulin lispro", "units", [4, 6, 8], "with meals")], new=[],
          plan=["diabetes educator visit before discharge", "sick-day rules reviewed"], fu=["1 week", "2 weeks"],
          inpt=True, age=(19, 44), vit={"hr": (102, 124), "rr": (22, 30)}, kv=["hr", "rr"],
          course=["Treated with intravenous fluids and an insulin infusion per protocol",
                  "Anion gap closed within 24 hours and subcutaneous insulin was resumed"]),
    ],
    "orthopedics": [
        C(dx="{side} knee osteoarthritis", cc="{side} knee pain",
          hpi=["Pain worse with stairs", "morning stiffness for 20 minutes"], neg=["locking", "fever", "calf pain"],
          exam=["{side} knee effusion", "medial joint line tenderness on the {side}"],
          labs=[("pain score", "/10", 5, 8, 0), ("BMI", "kg/m2", 27.0, 36.0, 1)],
          img=["X-ray {side} knee: medial joint space narrowing with osteophytes"],
          meds=[("acetaminophen", "mg", [500, 1000], "three times daily"), ("naproxen", "mg", [250, 500], "twice daily")],
          new=[("diclofenac 1% gel", "g", [4], "four times daily to the {side} knee")],
          plan=["corticosteroid injection to the {side} knee today", "physical therapy twice weekly for 6 weeks",
                "weight loss counseling"], fu=["6 weeks", "3 months"], kv=["bp", "wt"]),
        C(dx="{side} rotator cuff tear", cc="{side} shoulder pain and weakness",
          hpi=["Pain reaching overhead", "night pain when lying on the {side} side"], neg=["numbness", "neck pain"],
          exam=["weak {side} shoulder abduction", "positive drop-arm test on the {side}"],
          labs=[("pain score", "/10", 4, 8, 0)],
          img=["MRI {side} shoulder: full-thickness supraspinatus tear"],
          meds=[("ibuprofen", "mg", [400, 600], "three times daily as needed")], new=[],
          plan=["referral for arthroscopic repair discussion", "sling for comfort only"],
          fu=["2 weeks", "4 weeks"], kv=["bp", "hr"]),
        C(dx="{side} hip fracture", cc="{side} hip pain after a fall",
          hpi=["Fell at home and could not bear weight", "pain in the {side} groin"],
          neg=["head strike", "loss of consciousness", "chest pain"],
          exam=["{side} leg shortened and externally rotated", "distal pulses intact"],
          labs=[("hemoglobin", "g/dL", 9.4, 12.6, 1), ("vitamin D", "ng/mL", 12, 28, 0)],
          img=["X-ray {side} hip: displaced femoral neck fracture"],
          meds=[("amlodipine", "mg", [5, 10], "daily")], inc=[],
          new=[("enoxaparin", "mg", [40], "subcutaneously daily for 28 days"),
               ("oxycodone", "mg", [5], "every 6 hours as needed for pain")],
          plan=["weight bearing as tolerated", "home physical therapy", "osteoporosis evaluation"],
          fu=["2 weeks"], inpt=True, age=(68, 92), kv=["bp", "hr"],
          course=["Underwent {side} hip hemiarthroplasty on hospital day 1",
                  "Mobilized with physical therapy on postoperative day 1"]),
        C(dx="{side} L5 radiculopathy", cc="low back pain radiating down the {side} leg",
          hpi=["Shooting pain to the {side} foot", "worse with sitting"], neg=["bowel or bladder changes", "saddle numbness",
                                                                              "fever"],
          exam=["positive straight leg raise on the {side}", "reduced sensation over the {side} dorsal foot"],
          labs=[("pain score", "/10", 5, 9, 0)],
          img=["MRI lumbar spine: L4-L5 disc protrusion contacting the {side} L5 nerve root"],
          meds=[("gabapentin", "mg", [100, 300], "three times daily")], new=[("prednisone", "mg", [20], "daily for 5 days")],
          plan=["physical therapy referral", "consider epidural steroid injection"], fu=["4 weeks", "6 weeks"],
          kv=["bp", "hr"]),
    ],
    "nephrology": [
        C(dx="chronic kidney disease stage 3b", cc="follow-up of kidney function",
          hpi=["No change in urine output", "mild ankle swelling"], neg=["dysuria", "hematuria", "nausea"],
          exam=["trace ankle edema", "no pericardial rub"],
          labs=[("creatinine", "mg/dL", 1.8, 2.6, 1), ("eGFR", "mL/min/1.73m2", 30, 44, 0),
                ("potassium", "mmol/L", 4.4, 5.6, 1), ("urine albumin-creatinine ratio", "mg/g", 300, 2200, 0)],
          img=["Renal ultrasound: small echogenic kidneys without hydronephrosis"],
          meds=[("losartan", "mg", [25, 50, 100], "daily"), ("furosemide", "mg", [20, 40], "daily")],
          new=[("sodium bicarbonate", "mg", [650], "twice daily"), ("dapagliflozin", "mg", [10], "daily")],
          plan=["avoid NSAIDs", "low-potassium diet education", "repeat renal panel in 4 weeks"],
          fu=["3 months"], kv=["bp", "wt"]),
        C(dx="acute kidney injury", cc="reduced urine output",
          hpi=["Poor oral intake with diarrhea for five days", "taking ibuprofen for back pain"],
          neg=["dysuria", "rash", "flank pain"], exam=["dry mucous membranes", "no edema"],
          labs=[("creatinine", "mg/dL", 2.1, 4.3, 1), ("BUN", "mg/dL", 38, 84, 0), ("potassium", "mmol/L", 4.8, 5.9, 1)],
          img=["Renal ultrasound: no hydronephrosis"],
          meds=[("lisinopril", "mg", [10, 20], "daily"), ("ibuprofen", "mg", [400, 600], "three times daily")], new=[],
          inc=[], stop=["ibuprofen", "lisinopril"], stop_p=1.0,
          plan=["recheck kidney function before restarting lisinopril", "avoid NSAIDs", "repeat creatinine in 1 week"],
          fu=["1 week", "2 weeks"], inpt=True, kv=["bp", "hr"],
          course=["Treated with intravenous fluids; nephrotoxic medications were held",
                  "Creatinine improved steadily with hydration"]),
        C(dx="nephrotic syndrome", cc="swelling of the legs and face",
          hpi=["Foamy urine for a month", "weight gain of several kilograms"], neg=["hematuria", "joint pain", "rash"],
          exam=["periorbital edema", "3+ pitting edema to the knees"],
          labs=[("urine protein", "g/day", 3.6, 9.0, 1), ("albumin", "g/dL", 1.8, 2.9, 1), ("LDL cholesterol", "mg/dL",
                                                                                             160, 240, 0)],
          img=["Renal ultrasound: normal-sized kidneys"],
          meds=[("furosemide", "mg", [20, 40], "twice daily")], new=[("losartan", "mg", [25], "daily"),
                                                                      ("atorvastatin", "mg", [20], "daily")],
          plan=["kidney biopsy scheduled", "low-sodium diet"], fu=["2 weeks"], kv=["bp", "wt"]),
    ],
    "neurology": [
        C(dx="chronic migraine without aura", cc="frequent headaches",
          hpi=["Throbbing unilateral headaches with nausea", "light sensitivity during attacks"],
          neg=["weakness", "vision loss", "fever"], exam=["normal fundi", "non-focal neurological exam"],
          labs=[("headache days per month", "", 10, 20, 0), ("MIDAS score", "", 21, 48, 0)], img=["MRI brain: normal"],
          meds=[("sumatriptan", "mg", [50, 100], "as needed at headache onset"), ("topiramate", "mg", [25, 50, 100],
                "twice daily")],
          new=[("propranolol LA", "mg", [80], "daily")],
          plan=["headache diary", "limit acute medication to 2 days per week", "regular sleep schedule"],
          fu=["8 weeks", "3 months"], age=(19, 55), kv=["bp", "hr"]),
        C(dx="focal epilepsy", cc="breakthrough seizure",
          hpi=["Witnessed episode of staring then jerking of the {side} arm", "missed doses last week"],
          neg=["tongue biting", "fever", "headache"], exam=["alert and oriented", "no focal deficits"],
          labs=[("levetiracetam level", "mcg/mL", 6, 14, 0), ("sodium", "mmol/L", 135, 142, 0)],
          img=["EEG: {side} temporal sharp waves"],
          meds=[("levetiracetam", "mg", [500, 750, 1000, 1500], "twice daily")], new=[("lacosamide", "mg", [50],
                                                                                        "twice daily")],
          plan=["no driving until seizure-free per local law", "seizure precautions reviewed", ("MRI brain with epilepsy "
                "protocol")], fu=["6 weeks", "3 months"], kv=["bp", "hr"]),
        C(dx="acute ischemic stroke with {side}-sided weakness", cc="sudden weakness of the {side} arm",
          hpi=["Weakness began at breakfast", "slurred speech that has improved"], neg=["headache", "vision loss",
                                                                                      "seizure activity"],
          exam=["strength 4/5 in the {side} arm", "mild {side} facial droop"],
          labs=[("NIHSS", "", 2, 6, 0), ("LDL cholesterol", "mg/dL", 118, 172, 0), ("HbA1c", "%", 5.6, 7.4, 1)],
          img=["MRI brain: small acute infarct in the internal capsule"],
          meds=[("amlodipine", "mg", [5, 10], "daily")],
          new=[("aspirin", "mg", [81], "daily"), ("clopidogrel", "mg", [75], "daily for 21 days"),
               ("atorvastatin", "mg", [80], "daily")],
          plan=["outpatient physical and occupational therapy", "30-day cardiac monitor", ("blood pressure goal "
                "under 130/80 mmHg")], fu=["2 weeks", "4 weeks"], inpt=True, age=(55, 88), kv=["bp", "hr"],
          course=["Not a candidate for thrombolysis because of time from onset",
                  "Swallow screen passed and diet was advanced"]),
        C(dx="Parkinson disease", cc="worsening tremor and slowness",
          hpi=["Resting tremor of the {side} hand", "medication wears off before the next dose"],
          neg=["falls", "hallucinations", "constipation"], exam=["{side}-predominant resting tremor", "cogwheel rigidity"],
          labs=[("MDS-UPDRS part III score", "", 22, 44, 0)], img=[],
          meds=[("carbidopa-levodopa", "mg", ["25/100"], "three times daily")], new=[("rasagiline", "mg", [1], "daily")],
          plan=["physical therapy for gait", "home safety evaluation"], fu=["3 months"], age=(58, 86), kv=["bp", "hr"]),
    ],
    "gastroenterology": [
        C(dx="ulcerative colitis flare", cc="bloody diarrhea",
          hpi=["Six to eight bloody stools a day", "cramping before bowel movements"], neg=["fever", "joint pain",
                                                                                         "recent antibiotics"],
          exam=["mild lower abdominal tenderness", "no rebound or guarding"],
          labs=[("fecal calprotectin", "mcg/g", 320, 1800, 0), ("CRP", "mg/L", 12, 68, 0), ("hemoglobin", "g/dL",
                                                                                             9.8, 12.9, 1)],
          img=["Flexible sigmoidoscopy: moderate continuous colitis"],
          meds=[("mesalamine", "g", [2.4, 4.8], "daily")], new=[("prednisone", "mg", [40], "daily with weekly taper")],
          plan=["stool studies to exclude infection", "discuss biologic therapy", ("calcium and vitamin D while on "
                "steroids")], fu=["2 weeks", "4 weeks"], inpt=True, kv=["hr", "bp"],
          course=["Treated with intravenous methylprednisolone", "Stool frequency fell and bleeding resolved"]),
        C(dx="decompensated alcohol-related cirrhosis with ascites", cc="abdominal swelling",
          hpi=["Abdominal girth increasing over three weeks", "stopped drinking two months ago"],
          neg=["confusion", "black stools", "vomiting blood"], exam=["shifting dullness", "spider angiomas"],
          labs=[("total bilirubin", "mg/dL", 1.8, 4.2, 1), ("albumin", "g/dL", 2.4, 3.1, 1), ("INR", "", 1.3, 1.9, 1),
                ("platelets", "K/uL", 62, 118, 0)],
          img=["Abdominal ultrasound: nodular liver with moderate ascites"],
          meds=[("spironolactone", "mg", [50, 100, 200], "daily"), ("furosemide", "mg", [20, 40, 80], "daily")],
          new=[("lactulose", "g", [20], "twice daily"), ("rifaximin", "mg", [550], "twice daily")],
          plan=["sodium restriction under 2 g per day", "hepatocellular carcinoma surveillance", ("liver transplant "
                "referral discussed")], fu=["2 weeks", "4 weeks"], inpt=True, kv=["bp", "wt"],
          course=["Diagnostic paracentesis excluded spontaneous bacterial peritonitis",
                  "Large-volume paracentesis was performed with albumin replacement"]),
        C(dx="gastroesophageal reflux disease", cc="heartburn",
          hpi=["Burning chest discomfort after meals", "worse when lying down"],
          neg=["dysphagia", "weight loss", "black stools"], exam=["mild epigastric tenderness"],
          labs=[("hemoglobin", "g/dL", 12.6, 15.4, 1)], img=["Upper endoscopy: LA grade B esophagitis"],
          meds=[("pantoprazole", "mg", [20, 40], "daily")], new=[("famotidine", "mg", [20], "at bedtime")],
          plan=["raise the head of the bed", "avoid meals within 3 hours of bedtime"], fu=["8 weeks"], kv=["wt", "bp"]),
        C(dx="iron deficiency anemia", cc="fatigue",
          hpi=["Tired for several months", "short of breath on stairs"], neg=["black stools", "hematochezia",
                                                                           "abdominal pain"],
          exam=["conjunctival pallor"], labs=[("hemoglobin", "g/dL", 8.4, 10.8, 1), ("ferritin", "ng/mL", 4, 14, 0),
                                              ("MCV", "fL", 68, 78, 0)], img=[],
          meds=[("omeprazole", "mg", [20], "daily")], inc=[], new=[("ferrous sulfate", "mg", [325], "every other day")],
          plan=["colonoscopy and upper endoscopy", "celiac serology"], fu=["4 weeks", "6 weeks"], kv=["hr", "bp"]),
    ],
    "infectious_disease": [
        C(dx="{side} lower leg cellulitis", cc="red, painful {side} leg",
          hpi=["Redness spreading up the {side} shin for three days", "small cut on the {side} foot"],
          neg=["rigors", "calf pain", "purulent drainage"], exam=["warm erythema over the {side} shin",
                                                                  "no fluctuance or crepitus"],
          labs=[("WBC", "K/uL", 10.8, 16.4, 1), ("CRP", "mg/L", 34, 140, 0)],
          img=["Venous duplex {side} leg: no deep vein thrombosis"],
          meds=[("metformin", "mg", [500, 1000], "twice daily")], inc=[], new=[("cephalexin", "mg", [500],
                                                                        "four times daily for 7 days")],
          plan=["mark the border of erythema", "elevate the {side} leg", "return if redness spreads"],
          fu=["3 days", "1 week"], inpt=True, vit={"temp": (37.9, 38.8)}, kv=["temp", "hr"],
          course=["Treated with intravenous cefazolin", "Erythema receded from the marked border within 48 hours"]),
        C(dx="HIV infection on antiretroviral therapy", cc="routine HIV follow-up",
          hpi=["Reports full adherence", "no new symptoms"], neg=["fever", "night sweats", "weight loss"],
          exam=["no lymphadenopathy", "no oral thrush"],
          labs=[("CD4 count", "cells/uL", 380, 920, 0), ("creatinine", "mg/dL", 0.7, 1.1, 1)],
          img=["HIV-1 RNA below the limit of detection"],
          meds=[("bictegravir-emtricitabine-tenofovir alafenamide", "mg", ["50/200/25"], "daily")], new=[],
          plan=["annual syphilis and hepatitis C screening", "influenza vaccine today"], fu=["6 months"],
          kv=["bp", "wt"]),
        C(dx="{side} pyelonephritis", cc="fever and {side} flank pain",
          hpi=["Dysuria for four days", "{side} flank pain since yesterday"], neg=["vaginal discharge", "vomiting",
                                                                                 "hematuria"],
          exam=["costovertebral angle tenderness on the {side}", "abdomen soft"],
          labs=[("WBC", "K/uL", 12.2, 18.8, 1), ("creatinine", "mg/dL", 0.8, 1.4, 1), ("lactate", "mmol/L", 1.1, 2.4, 1)],
          img=["Urinalysis: positive nitrite and leukocyte esterase", "CT abdomen: {side} pyelonephritis without abscess"],
          meds=[("levothyroxine", "mcg", [50, 75], "daily")], inc=[], new=[("ciprofloxacin", "mg", [500], ("twice daily for 7 "
                                                                                                 "days"))],
          plan=["follow urine culture sensitivities", "return for persistent fever"], fu=["1 week"], inpt=True,
          vit={"temp": (38.2, 39.6), "hr": (96, 118)}, kv=["temp", "hr"],
          course=["Treated with intravenous ceftriaxone", "Urine culture grew pan-sensitive E. coli"]),
        C(dx="latent tuberculosis infection", cc="positive interferon-gamma release assay",
          hpi=["Screened before starting a new job", "born in a high-prevalence country"],
          neg=["cough", "fever", "night sweats"], exam=["lungs clear", "no lymphadenopathy"],
          labs=[("ALT", "U/L", 14, 38, 0), ("AST", "U/L", 15, 36, 0)], img=["Chest X-ray: no active tuberculosis"],
          meds=[], new=[("rifampin", "mg", [600], "daily for 4 months")],
          plan=["monthly symptom and liver test review", "avoid alcohol during treatment"], fu=["4 weeks"],
          kv=["wt", "bp"]),
    ],
    "psychiatry": [
        C(dx="major depressive disorder, recurrent, moderate", cc="low mood",
          hpi=["Low mood and poor sleep for two months", "loss of interest in hobbies"],
          neg=["suicidal ideation", "psychotic symptoms", "manic symptoms"],
          exam=["constricted affect", "linear thought process"],
          labs=[("PHQ-9 score", "/27", 14, 23, 0), ("TSH", "mIU/L", 0.8, 3.6, 2)], img=[],
          meds=[("sertraline", "mg", [50, 100, 150], "daily")], new=[("trazodone", "mg", [50], "at bedtime as needed")],
          plan=["weekly psychotherapy", "safety plan reviewed", "crisis line number provided"],
          fu=["2 weeks", "4 weeks"], inpt=True, kv=["wt", "bp"],
          course=["Engaged in daily group therapy", "Mood and sleep improved over the admission"]),
        C(dx="generalized anxiety disorder", cc="constant worry",
          hpi=["Worries about work and family most days", "muscle tension and trouble falling asleep"],
          neg=["panic attacks", "suicidal ideation", "substance use"], exam=["anxious affect", "good insight"],
          labs=[("GAD-7 score", "/21", 11, 19, 0)], img=[],
          meds=[("escitalopram", "mg", [5, 10, 20], "daily")], new=[("hydroxyzine", "mg", [25], ("as needed for "
                                                                                           "anxiety"))],
          plan=["cognitive behavioral therapy referral", "sleep hygiene handout"], fu=["4 weeks", "6 weeks"],
          kv=["hr", "bp"]),
        C(dx="bipolar I disorder, maintenance", cc="medication review",
          hpi=["Mood stable for six months", "sleeping seven hours a night"],
          neg=["manic symptoms", "suicidal ideation", "tremor"], exam=["euthymic mood", "no psychomotor changes"],
          labs=[("lithium level", "mmol/L", 0.6, 1.1, 2), ("TSH", "mIU/L", 1.1, 4.2, 2), ("creatinine", "mg/dL",
                                                                                         0.7, 1.1, 1)],
          img=[], meds=[("lithium carbonate", "mg", [300, 450, 600], "twice daily"), ("quetiapine", "mg", [50, 100],
                                                                                    "at bedtime")],
          new=[], plan=["lithium level and renal function every 3 months", "maintain hydration"],
          fu=["3 months"], kv=["wt", "bp"]),
    ],
    "obstetrics": [
        C(dx="intrauterine pregnancy at {ga} weeks, routine prenatal care", cc="routine prenatal visit",
          hpi=["Good fetal movement", "mild lower back ache"], neg=["vaginal bleeding", "leakage of fluid",
                                                                   "contractions"],
          exam=["fundal height {fh} cm", "no edema"],
          labs=[("fetal heart rate", "bpm", 128, 156, 0), ("hemoglobin", "g/dL", 10.6, 12.8, 1),
                ("1-hour glucose challenge", "mg/dL", 92, 134, 0)], img=["Anatomy ultrasound: normal"],
          meds=[("prenatal vitamin", "tablet", [1], "daily")], new=[("ferrous sulfate", "mg", [325], "every other day")],
          plan=["Tdap vaccine at this visit", "kick counts reviewed", "labor precautions reviewed"],
          fu=["2 weeks", "4 weeks"], sex="F", age=(19, 41), kv=["bp", "wt"]),
        C(dx="gestational diabetes at {ga} weeks", cc="elevated glucose tolerance test",
          hpi=["Checking fingerstick glucose four times daily", "following the meal plan"],
          neg=["vaginal bleeding", "headache", "contractions"], exam=["fundal height {fh} cm"],
          labs=[("fasting glucose", "mg/dL", 96, 118, 0), ("1-hour postprandial glucose", "mg/dL", 142, 176, 0),
                ("fetal heart rate", "bpm", 130, 154, 0)], img=[("Growth ultrasound: estimated fetal weight 62nd "
                                                                "percentile")],
          meds=[("prenatal vitamin", "tablet", [1], "daily")], new=[("insulin NPH", "units", [8, 10], "at bedtime")],
          plan=["growth ultrasound every 4 weeks", "nutrition follow-up"], fu=["1 week", "2 weeks"], sex="F",
          age=(22, 42), kv=["bp", "wt"]),
        C(dx="preeclampsia without severe features at {ga} weeks", cc="elevated blood pressure",
          hpi=["Blood pressure elevated at home", "new swelling of the hands"], neg=["headache", "visual changes",
                                                                                    "right upper quadrant pain"],
          exam=["1+ edema of the hands", "reflexes 2+ without clonus"],
          labs=[("urine protein-creatinine ratio", "", 0.32, 1.2, 2), ("platelets", "K/uL", 148, 260, 0),
                ("ALT", "U/L", 14, 38, 0)], img=["Nonstress test: reactive tracing"],
          meds=[("prenatal vitamin", "tablet", [1], "daily")], new=[("labetalol", "mg", [200], "twice daily")],
          plan=["twice-weekly nonstress tests", "plan delivery at 37 weeks", "preeclampsia warning signs reviewed"],
          fu=["3 days", "1 week"], inpt=True, sex="F", age=(19, 42), vit={"sys": (140, 156), "dia": (90, 104)},
          kv=["bp"], course=["Monitored on labor and delivery with serial labs", ("Blood pressure stayed below the severe "
                             "range and labs remained stable")]),
    ],
}

FAKE_SURNAMES = ["Placeholder", "Example", "Sample", "Testcase", "Fictional", "Mockley", "Dummyson", "Notreal"]
FAKE_GIVEN = ["Alex", "Jordan", "Casey", "Robin", "Sam", "Taylor", "Jamie", "Morgan"]
PMH_POOL = ["hypertension", "hyperlipidemia", "type 2 diabetes", "hypothyroidism", "gastroesophageal reflux disease",
            "osteoarthritis", "depression", "obesity", "asthma", "chronic kidney disease stage 3a"]
ALLERGIES = [("penicillin", "hives", ("amoxicillin", "cephalexin")), ("sulfa drugs", "rash", ()),
             ("codeine", "nausea", ("oxycodone",)), ("iodinated contrast", "urticaria", ()),
             ("latex", "contact dermatitis", ()), ("lisinopril", "angioedema", ("lisinopril", "losartan"))]
SMOKING = ["never smoker", "former smoker, quit 10 years ago", "current smoker, half a pack per day"]
ALCOHOL = ["no alcohol", "one or two drinks per week", "drinks socially on weekends"]
JOBS = ["teacher", "warehouse worker", "accountant", "bus driver", "software tester", "chef", "student"]
FAMILY = ["father with coronary disease", "mother with type 2 diabetes", "no relevant family history",
          "sister with breast cancer"]
ROS_EXTRA = ["fever", "weight loss", "chest pain", "abdominal pain", "rash", "headache", "dysuria"]
VITALS = {"sys": (112, 138), "dia": (66, 86), "hr": (60, 88), "rr": (12, 18), "temp": (36.4, 37.2),
          "spo2": (95, 99), "wt": (52.0, 112.0)}
IMPLIED_PMH = {"metformin": "type 2 diabetes", "levothyroxine": "hypothyroidism", "lisinopril": "hypertension",
               "amlodipine": "hypertension", "losartan": "hypertension", "atorvastatin": "hyperlipidemia",
               "omeprazole": "gastroesophageal reflux disease"}
HPI_FILLER = ["Appetite and sleep are otherwise unchanged.", "The patient brings a written list of questions.",
              "No recent hospital visits.", "Tolerating current medications without side effects.",
              "Lives with a partner and is independent in daily activities.", "No recent travel or sick contacts.",
              "Reports taking medications as prescribed using a weekly pill organizer.",
              "Has been trying to walk for 20 minutes on most days.", ("Attends with a family member who helps with the "
              "history."), "Vaccinations were reviewed and are up to date."]
SURGERY = ["appendectomy", "cholecystectomy", "cataract surgery", "tonsillectomy", "hernia repair", "no prior surgery"]
REVIEWED = ["The history, examination and results above support this diagnosis.",
            "Risks, benefits and alternatives of the plan were discussed, and the patient agrees with it.",
            "Questions were answered and written information was provided.",
            "Medication reconciliation was completed at this visit.",
            "Warning signs that should prompt urgent care were reviewed."]
EDUCATION = ["Discussed diet and regular physical activity.", "Reviewed how and when to take each medication.",
             "The patient verbalized understanding of the plan.", "A printed after-visit summary was provided.",
             "Encouraged the patient to bring all medication bottles to the next visit."]


# Shorthand the telegraphic layouts use; the grounding check reads each both ways
# (resources/grounding/abbreviations.txt), so a one-liner may say either.
SHORT = {"hypertension": "HTN", "hyperlipidemia": "HLD", "type 2 diabetes": "DM2", "hypothyroidism": "hypothyroid",
         "gastroesophageal reflux disease": "GERD", "osteoarthritis": "OA", "depression": "depression",
         "obesity": "obesity", "asthma": "asthma", "chronic kidney disease stage 3a": "CKD 3a"}
FREQ_SHORT = {"twice daily": "BID", "daily": "daily", "three times daily": "TID", "nightly": "qHS",
              "once daily": "daily", "weekly": "weekly", "every morning": "qAM", "at bedtime": "qHS"}


def num(value: float, dec: int) -> str:
    return f"{value:.{dec}f}"


def qty(name: str, value: str, unit: str) -> str:
    """``BNP 840 pg/mL``; units that start with ``%`` or ``/`` attach to the number."""
    if not unit:
        return f"{name} {value}"
    return f"{name} {value}{unit}" if unit[0] in "%/" else f"{name} {value} {unit}"


def med(name: str, dose: object, unit: str, freq: str) -> str:
    return f"{name} {dose} {unit} {freq}"


def sentence_list(items: list[str], conj: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conj} " + items[-1]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Case:
    """One invented patient encounter: the facts that both the note and the summary render."""

    def __init__(self, rng: random.Random, specialty: str, layout: str, idx: int):
        conds = [c for c in SPECIALTIES[specialty] if layout != "discharge" or c.get("inpt")]
        c = rng.choice(conds)
        self.rng, self.layout, self.idx = rng, layout, idx
        self.label = LABEL.get(specialty, specialty)
        ga = rng.randint(24, 35)
        ctx = {"side": rng.choice(["left", "right"]), "ga": ga, "fh": ga + rng.choice([-1, 0, 1])}

        def f(s: str) -> str:
            return s.format(**ctx)

        self.sex = c.get("sex") or rng.choice("FM")
        self.sexw = "woman" if self.sex == "F" else "man"
        self.age = rng.randint(*c.get("age", (24, 88)))
        self.dx, self.cc = f(c["dx"]), f(c["cc"])
        self.hpi = [f(s) for s in c["hpi"]]
        neg = [n for n in c["neg"] if not (self.sex == "M" and "vaginal" in n)]
        self.neg = neg[:3]
        self.ros = self.neg + [n for n in rng.sample(ROS_EXTRA, 3) if n not in self.neg and n not in self.cc]
        self.exam = [f(s) for s in c["exam"]]
        self.img = [f(s) for s in c["img"]]
        self.course = [f(s) for s in c.get("course", [])]
        self.vitals(c)
        self.labs = [qty(n, num(rng.uniform(lo, hi), d), u) for n, u, lo, hi, d in c["labs"]]
        names = {n for n, *_ in c["labs"]}
        fill = [("sodium", "mmol/L", 136, 144, 0), ("hemoglobin", "g/dL", 12.1, 15.4, 1), ("WBC", "K/uL", 4.6, 9.6, 1),
                ("glucose", "mg/dL", 82, 118, 0)]
        self.filler = [qty(n, num(rng.uniform(lo, hi), d), u) for n, u, lo, hi, d in fill if n not in names][:2]
        self.medications(c, f)
        self.plan = [f(p) for p in rng.sample(c["plan"], min(len(c["plan"]), rng.choice([2, 3])))]
        self.fu = rng.choice(c["fu"])
        self.los = rng.randint(2, 7)
        self.history(c)
        surname, given = rng.choice(FAKE_SURNAMES), rng.choice(FAKE_GIVEN)
        name = f"{given} {surname}" if rng.random() < 0.5 else "[name withheld]"
        self.header = (f"Patient: {name} (synthetic record SYN-{idx:04d})\n"
                       f"Date of service: 2031-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")

    def vitals(self, c: dict) -> None:
        r = {**VITALS, **c.get("vit", {})}
        u = self.rng.uniform
        sys_ = round(u(*r["sys"]))
        dia = min(round(u(*r["dia"])), sys_ - 30)
        spo2 = round(u(*r["spo2"]))
        o2 = "2 L nasal cannula" if spo2 < 92 else "room air"
        self.v = {"bp": f"BP {sys_}/{dia} mmHg", "hr": f"HR {round(u(*r['hr']))} bpm",
                  "rr": f"RR {round(u(*r['rr']))} breaths/min", "temp": f"temperature {num(u(*r['temp']), 1)} °C",
                  "spo2": f"SpO2 {spo2}% on {o2}", "wt": f"weight {num(u(*r['wt']), 1)} kg"}
        self.kv = c.get("kv", ["bp", "hr"])

    def medications(self, c: dict, f) -> None:
        rng = self.rng
        self.home: list[list] = []  # [name, unit, doses, freq, index]
        inc = c.get("inc", [m[0] for m in c["meds"]])
        for name, unit, doses, freq in c["meds"]:
            top = len(doses) - 1 if len(doses) > 1 and name in inc else len(doses)
            self.home.append([name, unit, doses, f(freq), rng.randrange(max(top, 1))])
        self.changes: list[tuple[str, list]] = []  # (action, home-med row)
        titratable = [m for m in self.home if m[0] in inc and m[4] < len(m[2]) - 1]
        if titratable and rng.random() < c.get("inc_p", 0.7):
            self.changes.append(("increase", rng.choice(titratable)))
        stop_p = c.get("stop_p", 0.6)
        for m in self.home:
            if m[0] in c.get("stop", ("ibuprofen", "naproxen")) and rng.random() < stop_p:
                self.changes.append(("stop", m))
        new = [n for n in c["new"] if n[0] not in {m[0] for m in self.home}]
        if new and (not self.changes or rng.random() < 0.6):
            name, unit, doses, freq = rng.choice(new)
            self.changes.append(("start", [name, unit, doses, f(freq), 0]))

    def history(self, c: dict) -> None:
        rng = self.rng
        pool = ["asthma", "hypothyroidism", "depression", "obesity"] if "{ga}" in c["dx"] else PMH_POOL
        pmh = [p for p in rng.sample(pool, rng.randint(1, 3)) if not any(w[:6] in self.dx for w in p.split())]
        for m in self.home:
            implied = IMPLIED_PMH.get(m[0])
            if implied and implied not in pmh and implied[:6] not in self.dx:
                pmh.append(implied)
        self.pmh = pmh
        text = json.dumps(c)
        allergies = [a for a in ALLERGIES if not any(x in text for x in a[2]) and a[0] not in text]
        self.allergy = rng.choice(allergies) if rng.random() < 0.45 and allergies else None
        job = rng.choice(JOBS[:-1])
        job = f"retired {job}" if self.age > 66 else f"works as a {job}"
        self.social = f"{cap(rng.choice(SMOKING))}; {rng.choice(ALCOHOL)}; {job}"
        self.surgery = rng.choice([x for x in SURGERY if self.age > 55 or x != "cataract surgery"])
        self.reviewed = " ".join(rng.sample(REVIEWED, 3))
        self.education = rng.sample(EDUCATION, 2)
        self.minutes = rng.choice([20, 25, 30, 40, 45])
        self.signer = f"Dr. {rng.choice(FAKE_GIVEN)} {rng.choice(FAKE_SURNAMES)} (synthetic)"
        self.family = rng.choice(FAMILY)
        self.filler_hpi = rng.sample(HPI_FILLER, 4)

    # ---- pieces shared by the note and the summary ----
    def allergy_text(self) -> str:
        return f"{self.allergy[0]} ({self.allergy[1]})" if self.allergy else "no known drug allergies"

    def med_rows(self) -> list[tuple[str, list]]:
        changed = {id(m): a for a, m in self.changes}
        rows = [(a, m) for a, m in self.changes if a == "start"]
        return rows + [(changed.get(id(m), "continue"), m) for m in self.home]

    def home_list(self) -> str:
        meds = [med(n, d[i], u, fr) for n, u, d, fr, i in self.home]
        return "; ".join(meds) if meds else "none"

    def plan_sentence(self, action: str, m: list) -> str:
        name, unit, doses, freq, i = m
        if action == "increase":
            return f"Increase {name} from {doses[i]} {unit} to {doses[i + 1]} {unit} {freq}."
        if action == "stop":
            return f"Stop {name}."
        return f"{cap(action)} {med(name, doses[i], unit, freq)}."

    def summary_med(self, action: str, m: list) -> str:
        name, unit, doses, freq, i = m
        if action == "increase":
            return f"increase {name} to {doses[i + 1]} {unit} {freq} (from {doses[i]} {unit})"
        if action == "stop":
            return f"stop {name}"
        return f"{action} {med(name, doses[i], unit, freq)}"

    def discharge_med(self, action: str, m: list) -> str:
        name, unit, doses, freq, i = m
        if action == "increase":
            return f"- {med(name, doses[i + 1], unit, freq)} (INCREASED from {doses[i]} {unit})"
        if action == "stop":
            return f"- {name}: STOP"
        tag = "NEW" if action == "start" else "unchanged"
        return f"- {med(name, doses[i], unit, freq)} ({tag})"

    def key_study(self) -> str:
        if self.img:
            return self.img[0].replace(": ", " showed ", 1)
        return self.exam[0]

    # ---- note layouts ----
    def intro(self, verb: str = "seen") -> str:
        hist = f"with a history of {sentence_list(self.pmh)}" if self.pmh else "with no significant past history"
        return (f"{self.age}-year-old {self.sexw} {hist} {verb} for {self.cc}. "
                + " ".join(f"{cap(h)}." for h in self.hpi) + " " + " ".join(self.filler_hpi))

    def exam_text(self) -> str:
        extra = "" if "abdom" in self.dx + self.cc or self.label == "gastroenterology" else " Abdomen: soft, non-tender."
        extra = " Abdomen: gravid, non-tender." if self.label == "obstetrics" else extra
        return ("Head: normocephalic and atraumatic. Neck: supple." + extra + " "
                + " ".join(f"{cap(e)}." for e in self.exam))

    def closing(self) -> list[str]:
        return [f"Time spent on the date of the encounter: {self.minutes} minutes.",
                f"Electronically signed by {self.signer}."]

    def vitals_line(self) -> str:
        return ", ".join(self.v.values())

    def labs_line(self) -> str:
        return "; ".join(self.labs + self.filler)

    def negatives(self) -> str:
        return f"Denies {sentence_list(self.ros, 'or')}. Review of systems is otherwise negative."

    def plan_lines(self) -> list[str]:
        meds = [self.plan_sentence(a, m) for a, m in self.med_rows()]
        return meds + [f"{cap(p)}." for p in self.plan] + self.education

    def soap(self) -> str:
        plan = self.plan_lines() + [f"Return to {self.label} clinic in {self.fu}."]
        return "\n".join([
            f"{self.label.upper()} CLINIC NOTE", self.header, "",
            "SUBJECTIVE:", f"{self.intro()} {self.negatives()}",
            f"Medications: {self.home_list()}. Allergies: {self.allergy_text()}.",
            f"Surgical history: {self.surgery}. Social: {self.social}. Family: {self.family}.", "",
            "OBJECTIVE:", f"Vitals: {self.vitals_line()}.", f"Exam: {self.exam_text()}",
            f"Labs: {self.labs_line()}.", *[f"{i}." for i in self.img], "",
            "ASSESSMENT:", f"{cap(self.dx)}. {self.reviewed}", "",
            "PLAN:", *[f"{n}. {p}" for n, p in enumerate(plan, 1)], "", *self.closing()])

    def hp(self) -> str:
        ros = f"Negative for {sentence_list(self.ros, 'and')}; otherwise as in HPI."
        return "\n".join([
            f"{self.label.upper()} HISTORY AND PHYSICAL", self.header, "",
            f"CHIEF COMPLAINT: {cap(self.cc)}.", "",
            f"HPI: {self.intro()}", "",
            "PMH: " + ("; ".join(self.pmh) or "none") + f". Surgical history: {self.surgery}.", "",
            "MEDICATIONS:", *([f"- {med(n, d[i], u, fr)}" for n, u, d, fr, i in self.home] or ["- none"]), "",
            f"ALLERGIES: {cap(self.allergy_text())}.", "",
            f"SOCIAL HISTORY: {self.social}.", f"FAMILY HISTORY: {cap(self.family)}.", "",
            f"REVIEW OF SYSTEMS: {ros}", "",
            f"EXAM: {self.vitals_line()}. General: no acute distress. {self.exam_text()}", "",
            (f"LABS/STUDIES: {self.labs_line()}. " + " ".join(f"{i}." for i in self.img)).rstrip(), "",
            f"ASSESSMENT: {cap(self.dx)}. {self.reviewed}", "",
            "PLAN:", *[f"- {p}" for p in self.plan_lines()], f"- Follow up in {self.label} clinic in {self.fu}.",
            "", *self.closing()])

    def narrative(self) -> str:
        paras = [
            f"Progress note, {self.label} clinic. {self.header.replace(chr(10), '. ')}.",
            (f"This {self.intro('was seen')} {self.negatives()} Current medications are {self.home_list()}. "
            f"Allergies: {self.allergy_text()}. Past surgical history includes {self.surgery}. "
            f"Socially, {self.social.lower()}. Family history: {self.family}."),
            f"On examination, {self.vitals_line()}. The patient was alert and oriented; there was "
            f"{sentence_list(self.exam)}. Labs showed {self.labs_line()}. " + " ".join(f"{i}." for i in self.img),
            f"My impression is {self.dx}. {self.reviewed} " + " ".join(self.plan_lines())
            + f" Return to {self.label} clinic in {self.fu}.", " ".join(self.closing())]
        return "\n\n".join(paras)

    def discharge(self) -> str:
        course = self.course + ["The patient was ambulating, eating, and comfortable on the day of discharge"]
        return "\n".join([
            "DISCHARGE SUMMARY", self.header, f"Service: {self.label}", f"Length of stay: {self.los} days", "",
            f"ADMISSION DIAGNOSIS: {cap(self.dx)}.", "",
            f"HISTORY OF PRESENT ILLNESS: {self.intro('admitted')} {self.negatives()}", "",
            (f"PAST HISTORY: {'; '.join(self.pmh) or 'none'}. Surgical history: {self.surgery}. "
            f"Social: {self.social}."), "",
            (f"ADMISSION FINDINGS: {self.vitals_line()}. Exam: {self.exam_text()} Labs: {self.labs_line()}. "
            + " ".join(f"{i}." for i in self.img)).rstrip(), "",
            "HOSPITAL COURSE: " + ". ".join(course) + f". {self.reviewed}", "",
            "CONDITION AT DISCHARGE: Stable.", "",
            "DISCHARGE MEDICATIONS:", *([self.discharge_med(a, m) for a, m in self.med_rows()] or ["- none"]), "",
            f"ALLERGIES: {cap(self.allergy_text())}.", "",
            f"FOLLOW-UP: {cap(self.label)} clinic in {self.fu}.", "",
            "INSTRUCTIONS: " + " ".join([f"{cap(p)}." for p in self.plan] + self.education), "", self.closing()[1]])

    def consult(self) -> str:
        recs = self.plan_lines() + [f"I will see the patient again in {self.label} clinic in {self.fu}."]
        return "\n".join([
            f"{self.label.upper()} CONSULTATION", self.header, "Requesting clinician: primary care", "",
            f"REASON FOR CONSULTATION: {cap(self.cc)}.", "",
            f"HISTORY: {self.intro()} {self.negatives()}", "",
            f"PAST HISTORY: {'; '.join(self.pmh) or 'none'}. Surgical history: {self.surgery}.",
            f"SOCIAL AND FAMILY HISTORY: {self.social}; {self.family}.", "",
            f"CURRENT MEDICATIONS: {self.home_list()}.", f"ALLERGIES: {cap(self.allergy_text())}.", "",
            f"EXAMINATION: {self.vitals_line()}. {self.exam_text()}", "",
            (f"DATA REVIEWED: {self.labs_line()}. " + " ".join(f"{i}." for i in self.img)).rstrip(), "",
            f"IMPRESSION: {cap(self.dx)}. {self.reviewed}", "",
            "RECOMMENDATIONS:", *[f"{n}) {r}" for n, r in enumerate(recs, 1)], "",
            "Thank you for this referral.", *self.closing()])

    # ---- varied layouts (``--varied``) ----
    def short_pmh(self) -> str:
        return ", ".join(SHORT.get(p, p) for p in self.pmh) or "no PMH"

    def short_med(self, name: str, dose: object, unit: str, freq: str) -> str:
        return f"{name} {dose} {unit} {FREQ_SHORT.get(freq, freq)}".replace(" % ", "% ")

    def telegraphic(self) -> str:
        sx = self.sex
        meds = [self.short_med(n, d[i], u, fr) for n, u, d, fr, i in self.home]
        plan = [self.plan_sentence(a, m).rstrip(".") for a, m in self.med_rows() if a != "continue"]
        allergy = f"{self.allergy[0]} ({self.allergy[1]})" if self.allergy else "NKDA"
        return "\n".join([
            "ED PROVIDER NOTE", self.header, "",
            f"CC: {self.cc}", "",
            f"HPI: {self.age}{sx} w/ {self.short_pmh()} p/w {self.cc}. " + "; ".join(self.hpi) + ". "
            + f"Denies {'/'.join(self.neg)}.", "",
            f"PMH: {self.short_pmh()}. PSH: {self.surgery}.", f"Meds: {'; '.join(meds) or 'none'}.",
            f"All: {allergy}.", f"SH: {self.social}.", "",
            f"VS: {self.vitals_line()}.", f"PE: {'; '.join(self.exam)}.", f"Labs: {self.labs_line()}.",
            *[f"{i}." for i in self.img], "",
            f"A/P: {self.dx}.", *[f"- {p}" for p in plan + self.plan], f"- f/u {self.label} clinic {self.fu}.",
            "", f"Dispo: home. {self.closing()[1]}"])

    def dictated(self) -> str:
        who = "gentleman" if self.sex == "M" else "lady"
        he = "He" if self.sex == "M" else "She"
        hist = f"with a history of {sentence_list(self.pmh)}" if self.pmh else "with no significant past history"
        return "\n\n".join([
            f"{self.label.capitalize()} clinic, dictated note. {self.header.replace(chr(10), '. ')}.",
            (f"This is a {self.age}-year-old {who} {hist} who comes in today for {self.cc}. "
             + " ".join(f"{he} reports that {h[0].lower() + h[1:]}." for h in self.hpi[:2])
             + f" {he} denies {sentence_list(self.ros, 'or')}."),
            f"{he} is currently taking {self.home_list()}. Allergies are {self.allergy_text()}.",
            f"On exam today {self.vitals_line()}. There is {sentence_list(self.exam)}. Labs show {self.labs_line()}.",
            (f"Assessment and plan: {self.dx}. " + " ".join(self.plan_lines())
             + f" We will see {'her' if he == 'She' else 'him'} back in {self.fu}."),
            "Dictated but not read. " + self.closing()[1]])

    def ehr_export(self) -> str:
        page = f"----- {self.label.upper()} | SYN-{self.idx:04d} | printed 2031-01-01 -----"
        rows = [f"| {n} | {d[i]} {u} | {fr} | {a.upper()} |" for a, (n, u, d, fr, i) in self.med_rows()]
        labs = [f"| {x.rsplit(' ', 2)[0]} | {' '.join(x.rsplit(' ', 2)[1:])} |" for x in self.labs + self.filler]
        return "\n".join([
            page, "Encounter Summary (auto-generated)", self.header, "",
            "Chief Complaint:", f"  {cap(self.cc)}", "",
            "History of Present Illness:", f"  {self.intro()}", "",
            "Problem List:", *[f"  [x] {p}" for p in self.pmh], f"  [x] {self.dx}", "",
            page, "Medications:", "| Medication | Dose | Frequency | Status |", "|---|---|---|---|", *rows, "",
            "Results:", "| Test | Value |", "|---|---|", *labs, *[f"  {i}." for i in self.img], "",
            f"Vitals: {self.vitals_line()}", "",
            "Assessment/Plan:", f"  {cap(self.dx)}.", *[f"  - {p}" for p in self.plan_lines()],
            f"  - Return to {self.label} clinic in {self.fu}.", "", page])

    def nursing_handoff(self) -> str:
        he = "he" if self.sex == "M" else "she"
        return "\n".join([
            "NURSING SHIFT HANDOFF (SBAR)", self.header, "",
            f"S: {self.age} y/o {self.sexw} admitted with {self.cc}; working diagnosis {self.dx}.",
            f"B: Hx {', '.join(self.pmh) or 'none'}. Allergies: {self.allergy_text()}. Home meds: {self.home_list()}.",
            (f"A: {self.vitals_line()}. {cap(sentence_list(self.exam))}. Labs {self.labs_line()}. "
             f"Pain controlled, {he} is resting."),
            "R: " + " ".join(self.plan_lines()[:4]) + f" Follow-up {self.label} clinic in {self.fu}.",
            "", f"Handoff given by RN (synthetic) to oncoming RN. {self.closing()[0]}"])

    def one_liner(self) -> str:
        """Who the patient is and why seen, in the words of this layout's note."""
        if self.layout == "telegraphic":
            return f"{self.age}{self.sex} with {self.short_pmh()} presenting with {self.cc}."
        hist = f" with a history of {sentence_list(self.pmh)}" if self.pmh else ""
        if self.layout == "dictated":
            who = "gentleman" if self.sex == "M" else "lady"
            return f"{self.age}-year-old {who}{hist} who comes in for {self.cc}."
        if self.layout == "nursing_handoff":
            return f"{self.age} y/o {self.sexw} admitted with {self.cc}, working diagnosis {self.dx}."
        verb = "admitted" if self.layout == "discharge" else "seen"
        return f"{self.age}-year-old {self.sexw}{hist} {verb} for {self.cc}."

    # ---- the reference summary ----
    def summary(self) -> str:
        who = {
            "discharge": f"admitted with {self.cc}; diagnosis: {self.dx}; discharged after {self.los} days.",
            "consult": f"referred to {self.label} for {self.cc}; impression: {self.dx}.",
        }.get(self.layout, f"seen in {self.label} clinic for {self.cc}; assessment: {self.dx}.")
        vit = ", ".join(self.v[k] for k in self.kv)
        neg = f"; denies {sentence_list(self.neg[:2], 'or')}" if self.neg else ""
        finding = f"Findings: {vit}; {', '.join(self.labs[:3])}; {self.key_study()}{neg}."
        rows = self.med_rows()
        meds = [self.summary_med(a, m) for a, m in rows if a != "continue"]
        meds += [self.summary_med(a, m) for a, m in rows if a == "continue"][: max(0, 3 - len(meds))]
        label = "Discharge medications" if self.layout == "discharge" else "Medications"
        lines = [f"{self.age}-year-old {self.sexw} {who}", finding,
                 f"{label}: {'; '.join(meds)}." if meds else f"{label}: none."]
        if self.allergy:
            lines.append(f"Allergies: {self.allergy_text()}.")
        lines.append(f"Plan: {'; '.join(self.plan[:2])}.")
        lines.append(f"Follow-up: {self.label} clinic in {self.fu}.")
        return "\n".join(lines)


def generate(seed: int, count: int, varied: bool = False) -> list[dict]:
    """``count`` rows; specialties cycle, layouts rotate per cycle, so every pairing occurs. ``varied``: the
    extra layouts too, and each row's narrative targets (``one_liner``, ``course``)."""
    rng = random.Random(seed)
    names = list(SPECIALTIES)
    layouts = VARIED_LAYOUTS if varied else LAYOUTS
    rows = []
    for i in range(count):
        specialty = names[i % len(names)]
        layout = layouts[(i // len(names) + i) % len(layouts)]
        if varied and layout in ("discharge", "nursing_handoff") and not any(
                c.get("inpt") for c in SPECIALTIES[specialty]):
            layout = "telegraphic"  # an outpatient-only specialty has no admission to hand off
        case = Case(rng, specialty, layout if layout != "nursing_handoff" else "discharge", i + 1)
        case.layout = layout
        row = {"id": f"syn-{i + 1:04d}", "specialty": specialty, "layout": layout,
               "note": getattr(case, layout)(), "summary": case.summary()}
        if varied:
            row["one_liner"] = case.one_liner()
            if layout == "discharge" and case.course:
                row["course"] = ". ".join(case.course[:2]) + "."
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic (fictional) clinical notes with summaries.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=360)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--varied", action="store_true", help="also the telegraphic, dictated, EHR-export and "
                        "handoff layouts, with one-liner and course targets")
    args = parser.parse_args(argv)
    rows = generate(args.seed, args.count, args.varied)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(rows)} synthetic rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
